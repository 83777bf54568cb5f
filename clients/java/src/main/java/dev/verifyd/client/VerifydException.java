package dev.verifyd.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An error returned by verifyd, with the AIP-193 details decoded from the
 * {@code grpc-status-details-bin} trailer: the {@code google.rpc.ErrorInfo} reason and
 * domain, and the {@code google.rpc.BadRequest} field violations.
 */
public final class VerifydException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String description;
  private final String reason;
  private final String domain;
  private final Map<String, String> errorMetadata;
  private final List<BadRequest.FieldViolation> fieldViolations;
  private final transient com.google.rpc.Status richStatus;

  private VerifydException(
      Status.Code code,
      String description,
      ErrorInfo info,
      List<BadRequest.FieldViolation> fieldViolations,
      com.google.rpc.Status richStatus,
      Throwable cause) {
    super(
        code
            + (info != null && !info.getReason().isEmpty() ? " [" + info.getReason() + "]" : "")
            + ": "
            + description,
        cause);
    this.code = code;
    this.description = description;
    this.reason = info == null ? null : info.getReason();
    this.domain = info == null ? null : info.getDomain();
    this.errorMetadata = info == null ? Map.of() : Map.copyOf(info.getMetadataMap());
    this.fieldViolations = Collections.unmodifiableList(fieldViolations);
    this.richStatus = richStatus;
  }

  /** Converts a failure of a grpc-java call (or anything else) into a VerifydException. */
  public static VerifydException from(Throwable t) {
    if (t instanceof VerifydException) {
      return (VerifydException) t;
    }
    Status status = Status.fromThrowable(t);
    String description = status.getDescription() == null ? "" : status.getDescription();
    com.google.rpc.Status rich =
        (t instanceof StatusRuntimeException || t instanceof StatusException)
            ? StatusProto.fromThrowable(t)
            : null;
    ErrorInfo info = null;
    List<BadRequest.FieldViolation> violations = new ArrayList<>();
    if (rich != null) {
      if (!rich.getMessage().isEmpty()) {
        description = rich.getMessage();
      }
      for (Any any : rich.getDetailsList()) {
        try {
          if (info == null && any.is(ErrorInfo.class)) {
            info = any.unpack(ErrorInfo.class);
          } else if (any.is(BadRequest.class)) {
            violations.addAll(any.unpack(BadRequest.class).getFieldViolationsList());
          }
        } catch (InvalidProtocolBufferException e) {
          // A malformed detail leaves only what could be decoded.
        }
      }
    }
    return new VerifydException(status.getCode(), description, info, violations, rich, t);
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The status message sent by the server. */
  public String description() {
    return description;
  }

  /** {@code ErrorInfo.reason}, for example {@code VALIDATION_FAILED}; null without ErrorInfo. */
  public String reason() {
    return reason;
  }

  /** {@code ErrorInfo.domain} ({@code verifyd} for verifyd's errors); null without ErrorInfo. */
  public String domain() {
    return domain;
  }

  /** {@code ErrorInfo.metadata}. */
  public Map<String, String> errorMetadata() {
    return errorMetadata;
  }

  /** The field violations of {@code google.rpc.BadRequest}, in order; empty without one. */
  public List<BadRequest.FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** The violation on the field path {@code field} (e.g. {@code routing_strategy[0].channel}). */
  public Optional<BadRequest.FieldViolation> violation(String field) {
    return fieldViolations.stream().filter(v -> v.getField().equals(field)).findFirst();
  }

  /** The whole {@code google.rpc.Status} of the trailer, or null when there was none. */
  public com.google.rpc.Status richStatus() {
    return richStatus;
  }
}
