package dev.verifyd.client;

import dev.verifyd.v1.CancelVerificationRequest;
import dev.verifyd.v1.CheckCodeRequest;
import dev.verifyd.v1.CheckCodeResponse;
import dev.verifyd.v1.GetVerificationRequest;
import dev.verifyd.v1.StartVerificationRequest;
import dev.verifyd.v1.Verification;
import dev.verifyd.v1.VerifyServiceGrpc;
import dev.verifyd.v1.WatchStatusRequest;
import dev.verifyd.v1.WatchStatusResponse;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A thin client of verifyd's VerifyService. Every call carries {@code authorization:
 * Bearer <apiKey>} and {@code x-tenant-id: <tenantId>}; every failure is thrown as a
 * {@link VerifydException}.
 *
 * <pre>{@code
 * try (var client = new VerifydClient("127.0.0.1:50051", apiKey, "default")) {
 *   Verification v = client.start(StartVerificationRequest.newBuilder()
 *       .setPhone("+33199001110")
 *       .addRoutingStrategy(RoutingStep.newBuilder().setChannel(Channel.CHANNEL_SMS))
 *       .build());
 * }
 * }</pre>
 */
public final class VerifydClient implements AutoCloseable {
  private final ManagedChannel ownedChannel;
  private final VerifyServiceGrpc.VerifyServiceBlockingStub blocking;
  private final VerifyServiceGrpc.VerifyServiceStub async;
  private final Duration timeout;

  /**
   * Connects to {@code address} ({@code host:port} plaintext, or {@code https://host:port}).
   * Unary calls have a 30 s deadline.
   */
  public VerifydClient(String address, String apiKey, String tenantId) {
    this(Channels.open(address), true, apiKey, tenantId, Duration.ofSeconds(30));
  }

  /**
   * Uses a channel managed by the caller ({@link #close()} leaves it open), with the given
   * deadline for unary calls.
   */
  public VerifydClient(Channel channel, String apiKey, String tenantId, Duration timeout) {
    this(channel, false, apiKey, tenantId, timeout);
  }

  private VerifydClient(
      Channel channel, boolean owned, String apiKey, String tenantId, Duration timeout) {
    this.ownedChannel = owned ? (ManagedChannel) channel : null;
    this.timeout = timeout;
    Metadata md = Channels.bearer(apiKey);
    md.put(Channels.TENANT_ID, tenantId);
    var auth = MetadataUtils.newAttachHeadersInterceptor(md);
    this.blocking = VerifyServiceGrpc.newBlockingStub(channel).withInterceptors(auth);
    this.async = VerifyServiceGrpc.newStub(channel).withInterceptors(auth);
  }

  private VerifyServiceGrpc.VerifyServiceBlockingStub unary() {
    return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw VerifydException.from(e);
    }
  }

  /** Starts a verification and returns it as stored (StartVerification). */
  public Verification start(StartVerificationRequest request) {
    return call(() -> unary().startVerification(request).getVerification());
  }

  /**
   * Checks a code (CheckCode). A wrong code is a result ({@code CHECK_RESULT_INCORRECT}),
   * not an exception.
   */
  public CheckCodeResponse check(String id, String code) {
    return call(
        () -> unary().checkCode(CheckCodeRequest.newBuilder().setId(id).setCode(code).build()));
  }

  /** Returns the full record of a verification (GetVerification). */
  public Verification get(String id) {
    return call(
        () ->
            unary()
                .getVerification(GetVerificationRequest.newBuilder().setId(id).build())
                .getVerification());
  }

  /** Cancels a pending verification and returns it, now CANCELED (CancelVerification). */
  public Verification cancel(String id) {
    return call(
        () ->
            unary()
                .cancelVerification(CancelVerificationRequest.newBuilder().setId(id).build())
                .getVerification());
  }

  /**
   * Watches one verification ({@code id}) or, with an empty id, every verification of the
   * tenant (WatchStatus), as a blocking iterator. Close it to cancel the stream.
   */
  public WatchStream watch(String id) {
    return new WatchStream(blocking, id);
  }

  /**
   * Watches asynchronously: {@code observer} receives every message, then {@code
   * onCompleted}, or {@code onError} with a {@link VerifydException}. Cancel through the
   * current {@link io.grpc.Context}.
   */
  public void watch(String id, StreamObserver<WatchStatusResponse> observer) {
    async.watchStatus(
        WatchStatusRequest.newBuilder().setId(id).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(WatchStatusResponse value) {
            observer.onNext(value);
          }

          @Override
          public void onError(Throwable t) {
            observer.onError(VerifydException.from(t));
          }

          @Override
          public void onCompleted() {
            observer.onCompleted();
          }
        });
  }

  /** The generated blocking stub with the authentication headers, for anything else. */
  public VerifyServiceGrpc.VerifyServiceBlockingStub stub() {
    return blocking;
  }

  /** Shuts the channel down if this client opened it. */
  @Override
  public void close() {
    if (ownedChannel != null) {
      ownedChannel.shutdownNow();
      try {
        ownedChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
