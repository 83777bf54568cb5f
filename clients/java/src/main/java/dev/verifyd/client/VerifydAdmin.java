package dev.verifyd.client;

import com.google.protobuf.Timestamp;
import dev.verifyd.v1.AdminServiceGrpc;
import dev.verifyd.v1.AdvanceClockRequest;
import dev.verifyd.v1.Channel;
import dev.verifyd.v1.ListSandboxMessagesRequest;
import dev.verifyd.v1.SandboxMessage;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small helper over verifyd's AdminService for tests and demos: the sandbox outbox and
 * the manual clock. Every call carries {@code authorization: Bearer <adminToken>}.
 */
public final class VerifydAdmin implements AutoCloseable {
  private final ManagedChannel channel;
  private final AdminServiceGrpc.AdminServiceBlockingStub blocking;

  /** Connects to {@code address} ({@code host:port} plaintext, or {@code https://host:port}). */
  public VerifydAdmin(String address, String adminToken) {
    this.channel = Channels.open(address);
    this.blocking =
        AdminServiceGrpc.newBlockingStub(channel)
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(Channels.bearer(adminToken)));
  }

  private AdminServiceGrpc.AdminServiceBlockingStub unary() {
    return blocking.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** What the sandbox "delivered", oldest first (ListSandboxMessages). */
  public List<SandboxMessage> listSandboxMessages(ListSandboxMessagesRequest filter) {
    try {
      return unary().listSandboxMessages(filter).getMessagesList();
    } catch (StatusRuntimeException e) {
      throw VerifydException.from(e);
    }
  }

  /** The sandbox messages of one verification, oldest first. */
  public List<SandboxMessage> sandboxMessages(String verificationId) {
    return listSandboxMessages(
        ListSandboxMessagesRequest.newBuilder().setVerificationId(verificationId).build());
  }

  /**
   * Waits until the sandbox holds a message of the verification on {@code channel} (any
   * channel when null) and returns its code. Polls every 50 ms.
   *
   * @throws IllegalStateException after {@code timeout}
   */
  public String waitForCode(String verificationId, Channel channel, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<SandboxMessage> messages = sandboxMessages(verificationId);
      for (int i = messages.size() - 1; i >= 0; i--) {
        SandboxMessage m = messages.get(i);
        if (channel == null || m.getChannel() == channel) {
          return m.getCode();
        }
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "no sandbox message for verification "
                + verificationId
                + (channel == null ? "" : " on " + channel)
                + " after "
                + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** Moves a {@code --clock manual} server's clock forward; returns the new time (AdvanceClock). */
  public Instant advanceClock(int seconds) {
    try {
      Timestamp now =
          unary().advanceClock(AdvanceClockRequest.newBuilder().setSeconds(seconds).build()).getNow();
      return Instant.ofEpochSecond(now.getSeconds(), now.getNanos());
    } catch (StatusRuntimeException e) {
      throw VerifydException.from(e);
    }
  }

  /** The generated blocking stub with the admin token, for tenant and key management. */
  public AdminServiceGrpc.AdminServiceBlockingStub stub() {
    return blocking;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
