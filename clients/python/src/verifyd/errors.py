"""The error type of the verifyd client: a gRPC status with its AIP-193 details.

verifyd puts a `google.rpc.Status` in the `grpc-status-details-bin` trailer of every
error. It always holds a `google.rpc.ErrorInfo` (domain `verifyd`, an UPPER_SNAKE
`reason`) and, for field problems, a `google.rpc.BadRequest` listing field paths such as
`routing_strategy[2].timeout_sec`. `VerifydError` parses that trailer once and exposes
the parts callers branch on.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One entry of a `google.rpc.BadRequest`: which field is wrong, and why."""

    field: str
    description: str
    reason: str = ""


class VerifydError(Exception):
    """A failed verifyd call.

    Attributes:
        code: the gRPC status code (a `grpc.StatusCode`).
        message: the status message, for people.
        reason: `ErrorInfo.reason`, e.g. "VALIDATION_FAILED", or "" if the server sent none.
        domain: `ErrorInfo.domain` ("verifyd"), or "".
        metadata: `ErrorInfo.metadata`.
        field_violations: the `BadRequest` field violations, in order.
        retry_delay: `RetryInfo.retry_delay` as a timedelta, when the server sent one.
        details: every detail of the `google.rpc.Status`, as `google.protobuf.Any`.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        reason: str = "",
        domain: str = "",
        metadata: Optional[Mapping[str, str]] = None,
        field_violations: Sequence[FieldViolation] = (),
        retry_delay: Optional[_dt.timedelta] = None,
        details: Sequence[any_pb2.Any] = (),
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations)
        self.retry_delay = retry_delay
        self.details = list(details)

    @property
    def fields(self) -> list[str]:
        """The field paths of every violation, e.g. ["routing_strategy[0].channel"]."""
        return [v.field for v in self.field_violations]

    def __str__(self) -> str:
        text = f"{self.code.name}: {self.message}"
        if self.reason:
            text += f" [{self.reason}]"
        if self.field_violations:
            text += " (" + "; ".join(f"{v.field}: {v.description}" for v in self.field_violations) + ")"
        return text

    def __repr__(self) -> str:
        return (
            f"VerifydError(code={self.code.name}, reason={self.reason!r}, "
            f"fields={self.fields!r}, message={self.message!r})"
        )

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "VerifydError":
        """Builds a VerifydError from what grpcio raised (a grpc.Call that failed)."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
        status = _status_from_trailers(trailers)
        return cls._from_parts(code or grpc.StatusCode.UNKNOWN, message or "", status)

    @classmethod
    def _from_parts(
        cls, code: grpc.StatusCode, message: str, status: Optional[status_pb2.Status]
    ) -> "VerifydError":
        kwargs: dict[str, Any] = {}
        details: list[any_pb2.Any] = []
        if status is not None:
            details = list(status.details)
            violations: list[FieldViolation] = []
            for detail in details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    kwargs.setdefault("reason", info.reason)
                    kwargs.setdefault("domain", info.domain)
                    kwargs.setdefault("metadata", dict(info.metadata))
                elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad = error_details_pb2.BadRequest()
                    detail.Unpack(bad)
                    violations.extend(
                        FieldViolation(v.field, v.description, v.reason) for v in bad.field_violations
                    )
                elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                    retry = error_details_pb2.RetryInfo()
                    detail.Unpack(retry)
                    kwargs["retry_delay"] = retry.retry_delay.ToTimedelta()
            kwargs["field_violations"] = violations
        return cls(code, message, details=details, **kwargs)


def _status_from_trailers(trailers: Any) -> Optional[status_pb2.Status]:
    for key, value in trailers or ():
        if key == STATUS_DETAILS_KEY:
            status = status_pb2.Status()
            status.MergeFromString(value)
            return status
    return None
