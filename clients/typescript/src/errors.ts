import { Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { BadRequest, ErrorInfo } from "nice-grpc-error-details";
import { Status } from "nice-grpc-error-details/lib/proto/google/rpc/status.js";

/** The trailer that carries a serialized `google.rpc.Status` (AIP-193 rich errors). */
export const STATUS_DETAILS_TRAILER = "grpc-status-details-bin";

const ERROR_INFO_TYPE = "google.rpc.ErrorInfo";
const BAD_REQUEST_TYPE = "google.rpc.BadRequest";

/** One problem with one request field, from `google.rpc.BadRequest`. */
export interface FieldViolation {
  /** The field path, for example `routing_strategy[2].timeout_sec`. */
  field: string;
  /** What is wrong with it, in words. */
  description: string;
}

/** One entry of `google.rpc.Status.details` that this client does not decode. */
export interface RawDetail {
  /** The full type URL, for example `type.googleapis.com/google.rpc.RetryInfo`. */
  typeUrl: string;
  /** The serialized message. */
  value: Uint8Array;
}

/**
 * An error returned by verifyd, with the rich details of AIP-193 decoded from the
 * `grpc-status-details-bin` trailer.
 */
export class VerifydError extends Error {
  /** The gRPC status code (see `status` of `@grpc/grpc-js`). */
  readonly code: GrpcStatus;
  /** The gRPC status code's name, for example `INVALID_ARGUMENT`. */
  readonly codeName: string;
  /** The status message sent by the server. */
  readonly details: string;
  /** `google.rpc.ErrorInfo.reason`, for example `VALIDATION_FAILED`; undefined without ErrorInfo. */
  readonly reason: string | undefined;
  /** `google.rpc.ErrorInfo.domain` (`verifyd` for errors of verifyd). */
  readonly domain: string | undefined;
  /** `google.rpc.ErrorInfo.metadata`. */
  readonly errorMetadata: Readonly<Record<string, string>>;
  /** The field violations of `google.rpc.BadRequest`, in order; empty without BadRequest. */
  readonly fieldViolations: readonly FieldViolation[];
  /** The other details of the `google.rpc.Status`, undecoded. */
  readonly otherDetails: readonly RawDetail[];
  /** The trailers of the failed call, when there were any. */
  readonly metadata: Metadata | undefined;

  constructor(init: {
    code: GrpcStatus;
    details: string;
    reason?: string;
    domain?: string;
    errorMetadata?: Record<string, string>;
    fieldViolations?: FieldViolation[];
    otherDetails?: RawDetail[];
    metadata?: Metadata;
    cause?: unknown;
  }) {
    const codeName = GrpcStatus[init.code] ?? String(init.code);
    const reason = init.reason ? ` [${init.reason}]` : "";
    super(`${codeName}${reason}: ${init.details}`, { cause: init.cause });
    this.name = "VerifydError";
    this.code = init.code;
    this.codeName = codeName;
    this.details = init.details;
    this.reason = init.reason;
    this.domain = init.domain;
    this.errorMetadata = init.errorMetadata ?? {};
    this.fieldViolations = init.fieldViolations ?? [];
    this.otherDetails = init.otherDetails ?? [];
    this.metadata = init.metadata;
  }

  /** The description of the violation on `field`, if there is one. */
  violation(field: string): FieldViolation | undefined {
    return this.fieldViolations.find((v) => v.field === field);
  }

  /** Converts anything thrown by a grpc-js call into a VerifydError (idempotent). */
  static from(err: unknown): VerifydError {
    if (err instanceof VerifydError) return err;
    if (!isServiceError(err)) {
      const message = err instanceof Error ? err.message : String(err);
      return new VerifydError({ code: GrpcStatus.UNKNOWN, details: message, cause: err });
    }
    const init: ConstructorParameters<typeof VerifydError>[0] = {
      code: err.code,
      details: err.details ?? err.message,
      metadata: err.metadata,
      cause: err,
    };
    const raw = err.metadata?.get(STATUS_DETAILS_TRAILER)?.[0];
    if (raw !== undefined) {
      const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
      let status: Status | undefined;
      try {
        status = Status.decode(bytes);
      } catch {
        status = undefined; // a malformed trailer leaves only the plain status
      }
      if (status) {
        if (status.message) init.details = status.message;
        const fieldViolations: FieldViolation[] = [];
        const otherDetails: RawDetail[] = [];
        for (const any of status.details) {
          const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
          if (typeName === ERROR_INFO_TYPE && init.reason === undefined) {
            const info = ErrorInfo.decode(any.value);
            init.reason = info.reason;
            init.domain = info.domain;
            init.errorMetadata = { ...info.metadata };
          } else if (typeName === BAD_REQUEST_TYPE) {
            for (const v of BadRequest.decode(any.value).fieldViolations) {
              fieldViolations.push({ field: v.field, description: v.description });
            }
          } else {
            otherDetails.push({ typeUrl: any.typeUrl, value: any.value });
          }
        }
        init.fieldViolations = fieldViolations;
        init.otherDetails = otherDetails;
      }
    }
    return new VerifydError(init);
  }
}

function isServiceError(err: unknown): err is ServiceError {
  const e = err as Partial<ServiceError> | null;
  return (
    err instanceof Error &&
    typeof e?.code === "number" &&
    (e.metadata === undefined || typeof e.metadata.get === "function")
  );
}
