package dev.verifyd.client;

import dev.verifyd.v1.ChannelAttempt;
import dev.verifyd.v1.VerifyServiceGrpc;
import dev.verifyd.v1.WatchStatusRequest;
import dev.verifyd.v1.WatchStatusResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A WatchStatus stream as a blocking, single-use iterator. The first item is always a
 * SNAPSHOT. When watching one verification, {@link #hasNext()} turns false after the
 * transition that makes it final; a tenant-wide watch never ends on its own. {@link
 * #close()} cancels the stream (use try-with-resources). Server errors are thrown as
 * {@link VerifydException}. Each event's verification is the record as it was right after
 * that event; a channel event also names its step ({@code getStepIndex()}, {@code
 * getChannel()}; see {@link #attemptOf}).
 */
public final class WatchStream
    implements Iterator<WatchStatusResponse>, Iterable<WatchStatusResponse>, AutoCloseable {
  private final Context.CancellableContext context;
  private final Iterator<WatchStatusResponse> responses;
  private volatile boolean closed;

  WatchStream(VerifyServiceGrpc.VerifyServiceBlockingStub stub, String id) {
    this.context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      this.responses = stub.watchStatus(WatchStatusRequest.newBuilder().setId(id).build());
    } finally {
      context.detach(previous);
    }
  }

  /**
   * The attempt a channel event (CHANNEL_SENT, _SUCCESS, _FAILED, _UPDATED) is about: {@code
   * ev.getVerification().getHistory(ev.getStepIndex())}, as it was right after the event
   * ({@code ev.getChannel()} is its channel). Empty for the other events, which have no
   * step_index.
   */
  public static Optional<ChannelAttempt> attemptOf(WatchStatusResponse ev) {
    if (!ev.hasStepIndex() || ev.getStepIndex() >= ev.getVerification().getHistoryCount()) {
      return Optional.empty();
    }
    return Optional.of(ev.getVerification().getHistory(ev.getStepIndex()));
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    try {
      return responses.hasNext();
    } catch (StatusRuntimeException e) {
      if (closed) {
        return false;
      }
      throw VerifydException.from(e);
    }
  }

  @Override
  public WatchStatusResponse next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the WatchStatus stream has ended");
    }
    try {
      return responses.next();
    } catch (StatusRuntimeException e) {
      throw VerifydException.from(e);
    }
  }

  /** This stream itself, so that it can be used in a for-each loop (once). */
  @Override
  public Iterator<WatchStatusResponse> iterator() {
    return this;
  }

  /** Cancels the stream; the server frees what it held for it. Idempotent. */
  @Override
  public void close() {
    closed = true;
    context.cancel(null);
  }
}
