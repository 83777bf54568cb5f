package dev.verifyd.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;

/** Channel and metadata plumbing shared by {@link VerifydClient} and {@link VerifydAdmin}. */
final class Channels {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TENANT_ID =
      Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER);

  private Channels() {}

  /**
   * A channel to {@code address}: {@code host:port} (plaintext), {@code http://host:port}
   * (plaintext) or {@code https://host:port} (TLS with the system's trust store).
   */
  static ManagedChannel open(String address) {
    String target = address;
    ChannelCredentials creds = InsecureChannelCredentials.create();
    if (target.startsWith("https://")) {
      target = target.substring("https://".length());
      creds = TlsChannelCredentials.create();
    } else if (target.startsWith("http://")) {
      target = target.substring("http://".length());
    }
    while (target.endsWith("/")) {
      target = target.substring(0, target.length() - 1);
    }
    return Grpc.newChannelBuilder(target, creds).build();
  }

  static Metadata bearer(String token) {
    Metadata md = new Metadata();
    md.put(AUTHORIZATION, "Bearer " + token);
    return md;
  }
}
