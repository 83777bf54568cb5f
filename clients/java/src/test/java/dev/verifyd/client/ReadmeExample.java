package dev.verifyd.client;

import dev.verifyd.v1.Channel;
import dev.verifyd.v1.DeliveryStatus;
import dev.verifyd.v1.RoutingStep;
import dev.verifyd.v1.StartVerificationRequest;
import dev.verifyd.v1.Verification;
import dev.verifyd.v1.VerificationState;
import dev.verifyd.v1.WatchStatusResponse;
import java.time.Duration;
import java.util.List;

/**
 * The example of README.md. The lines between the markers must stay identical to the
 * README's java block (ReadmeTest checks it), so that the README runs as written.
 */
final class ReadmeExample {
  private ReadmeExample() {}

  /** Runs the example: {@code ReadmeExample <address> <api key> <admin token>}. */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ReadmeExample <address> <api key> <admin token>");
      System.exit(2);
    }
    run(args[0], args[1], args[2]);
  }

  static void run(String address, String apiKey, String adminToken) {
    // README-BEGIN
    try (var client = new VerifydClient(address, apiKey, "default");
        var admin = new VerifydAdmin(address, adminToken)) { // admin reads the sandbox outbox, for demos
      var request = StartVerificationRequest.newBuilder().setPhone("+33199001110"); // telegram, voice fail; sms works
      for (var ch : List.of(Channel.CHANNEL_TELEGRAM, Channel.CHANNEL_VOICE, Channel.CHANNEL_SMS))
        request.addRoutingStrategy(RoutingStep.newBuilder().setChannel(ch));
      Verification v = client.start(request.build());
      try (WatchStream events = client.watch(v.getId())) { // ends once the verification is final
        for (WatchStatusResponse ev : events) {
          System.out.println(ev.getEvent()); // snapshot, verify_code.channel.sent, ..., verify_code.verified
          Verification now = ev.getVerification();
          if (now.getStatus() == DeliveryStatus.DELIVERY_STATUS_SUCCESS && now.getState() == VerificationState.VERIFICATION_STATE_PENDING)
            System.out.println(client.check(v.getId(), admin.waitForCode(v.getId(), null, Duration.ofSeconds(5))).getResult());
        }
      }
    }
    // README-END
  }
}
