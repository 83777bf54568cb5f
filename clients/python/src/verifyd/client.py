"""A thin, idiomatic wrapper over the generated verifyd gRPC stubs.

`Client` talks to VerifyService and attaches the two metadata entries every call needs
(`authorization: Bearer <api key>` and `x-tenant-id`). `AdminClient` covers the admin
calls that tests and demos use (the sandbox outbox and the manual clock) and exposes the
raw stub for the rest. Every failed call raises `VerifydError`, which carries the
ErrorInfo reason and BadRequest field violations of the server's rich error status.
Results are the generated protobuf messages themselves (`verifyd.v1.verify_pb2`).
"""

from __future__ import annotations

import datetime as _dt
import time
from typing import Iterable, Iterator, Optional, Sequence, Union

import grpc

from verifyd.errors import VerifydError
from verifyd.v1 import admin_pb2, admin_pb2_grpc, verify_pb2, verify_pb2_grpc

__all__ = ["AdminClient", "Client", "WatchStream", "event_attempt", "step"]

ChannelLike = Union[int, str]
StepLike = Union[verify_pb2.RoutingStep, int, str]

#: Default deadline of a unary call, in seconds. WatchStatus has no deadline.
DEFAULT_TIMEOUT = 30.0
_UNSET = object()


def _enum_value(enum, prefix: str, value: Union[int, str]) -> int:
    if isinstance(value, int):
        return value
    name = value.strip().upper()
    if not name.startswith(prefix):
        name = prefix + name
    try:
        return enum.Value(name)
    except ValueError:
        raise ValueError(f"unknown {enum.DESCRIPTOR.name} {value!r}") from None


def _channel(value: ChannelLike) -> int:
    """Accepts verify_pb2.CHANNEL_SMS, "sms" or "CHANNEL_SMS"."""
    return _enum_value(verify_pb2.Channel, "CHANNEL_", value)


def step(
    channel: ChannelLike,
    *,
    timeout_sec: Optional[int] = None,
    sender_id: Optional[str] = None,
    template: Optional[str] = None,
) -> verify_pb2.RoutingStep:
    """Builds one routing step, e.g. `step("telegram", timeout_sec=60)`."""
    s = verify_pb2.RoutingStep(channel=_channel(channel))
    if timeout_sec is not None:
        s.timeout_sec = timeout_sec
    if sender_id is not None:
        s.sender_id = sender_id
    if template is not None:
        s.template = template
    return s


def event_attempt(event: verify_pb2.WatchStatusResponse) -> Optional[verify_pb2.ChannelAttempt]:
    """The attempt a channel event (CHANNEL_SENT, _SUCCESS, _FAILED, _UPDATED) is about.

    That is `event.verification.history[event.step_index]`, as it was right after the
    event; `event.channel` is its channel. None for the other events, whose
    `step_index` is unset.
    """
    if not event.HasField("step_index") or not event.HasField("verification"):
        return None
    history = event.verification.history
    return history[event.step_index] if event.step_index < len(history) else None


def _as_step(value: StepLike) -> verify_pb2.RoutingStep:
    if isinstance(value, verify_pb2.RoutingStep):
        return value
    return step(value)


def _make_channel(
    target: str,
    credentials: Optional[grpc.ChannelCredentials],
    options: Optional[Sequence[tuple]],
) -> grpc.Channel:
    if credentials is not None:
        return grpc.secure_channel(target, credentials, options=options)
    return grpc.insecure_channel(target, options=options)


class _Base:
    def __init__(
        self,
        target: Optional[str],
        metadata: Sequence[tuple[str, str]],
        credentials: Optional[grpc.ChannelCredentials],
        channel: Optional[grpc.Channel],
        timeout: Optional[float],
        options: Optional[Sequence[tuple]],
    ) -> None:
        if channel is None:
            if not target:
                raise ValueError("either target or channel is required")
            channel = _make_channel(target, credentials, options)
            self._owns_channel = True
        else:
            self._owns_channel = False
        self.channel: grpc.Channel = channel
        self.timeout = timeout
        self._metadata = tuple(metadata)

    def _call(self, method, request, timeout):
        try:
            return method(
                request,
                metadata=self._metadata,
                timeout=self.timeout if timeout is _UNSET else timeout,
            )
        except grpc.RpcError as e:
            raise VerifydError.from_rpc_error(e) from e

    def close(self) -> None:
        """Closes the underlying channel if this client created it."""
        if self._owns_channel:
            self.channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Client(_Base):
    """A VerifyService client for one tenant.

    >>> client = Client("127.0.0.1:50051", api_key="...", tenant_id="default")
    >>> v = client.start(phone="+33199001110", routing_strategy=["telegram", "voice", "sms"])
    >>> client.check(v.id, "123456").result == verify_pb2.CHECK_RESULT_VERIFIED

    Pass `credentials=grpc.ssl_channel_credentials()` for TLS, or `channel=` to reuse a
    channel you manage. `timeout` is the default deadline of unary calls (None: none).
    """

    def __init__(
        self,
        target: Optional[str],
        api_key: str,
        tenant_id: str = "default",
        *,
        credentials: Optional[grpc.ChannelCredentials] = None,
        channel: Optional[grpc.Channel] = None,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        options: Optional[Sequence[tuple]] = None,
    ) -> None:
        super().__init__(
            target,
            (("authorization", f"Bearer {api_key}"), ("x-tenant-id", tenant_id)),
            credentials,
            channel,
            timeout,
            options,
        )
        self.tenant_id = tenant_id
        self.stub = verify_pb2_grpc.VerifyServiceStub(self.channel)

    def start(
        self,
        phone: str = "",
        *,
        email: str = "",
        routing_strategy: Iterable[StepLike] = (),
        code: Optional[str] = None,
        code_length: Optional[int] = None,
        lang: Union[int, str, None] = None,
        app_name: str = "",
        payload: str = "",
        is_code_deleted: bool = False,
        ttl_sec: Optional[int] = None,
        max_attempts: Optional[int] = None,
        request_id: str = "",
        request: Optional[verify_pb2.StartVerificationRequest] = None,
        timeout=_UNSET,
    ) -> verify_pb2.Verification:
        """Starts a verification and returns it as stored.

        `routing_strategy` items are RoutingStep messages, Channel values, or channel
        names ("telegram", "CHANNEL_SMS"). Pass `request=` to send a prepared
        StartVerificationRequest instead of the keyword arguments.
        """
        if request is None:
            request = verify_pb2.StartVerificationRequest(
                phone=phone,
                email=email,
                routing_strategy=[_as_step(s) for s in routing_strategy],
                app_name=app_name,
                payload=payload,
                is_code_deleted=is_code_deleted,
                request_id=request_id,
            )
            if code is not None:
                request.code = code
            if code_length is not None:
                request.code_length = code_length
            if lang is not None:
                request.lang = _enum_value(verify_pb2.Lang, "LANG_", lang)
            if ttl_sec is not None:
                request.ttl_sec = ttl_sec
            if max_attempts is not None:
                request.max_attempts = max_attempts
        return self._call(self.stub.StartVerification, request, timeout).verification

    def check(self, id: str, code: str, *, timeout=_UNSET) -> verify_pb2.CheckCodeResponse:
        """Checks a code. A wrong code is a result (CHECK_RESULT_INCORRECT), not an error."""
        return self._call(self.stub.CheckCode, verify_pb2.CheckCodeRequest(id=id, code=code), timeout)

    def get(self, id: str, *, timeout=_UNSET) -> verify_pb2.Verification:
        """Returns the full record of one verification."""
        return self._call(
            self.stub.GetVerification, verify_pb2.GetVerificationRequest(id=id), timeout
        ).verification

    def cancel(self, id: str, *, timeout=_UNSET) -> verify_pb2.Verification:
        """Cancels a pending verification and returns it (state CANCELED)."""
        return self._call(
            self.stub.CancelVerification, verify_pb2.CancelVerificationRequest(id=id), timeout
        ).verification

    def watch(self, id: str = "", *, timeout: Optional[float] = None) -> "WatchStream":
        """Streams status transitions as WatchStatusResponse messages.

        With an id the stream starts with a SNAPSHOT of that verification and ends after
        the transition that makes it final; with "" it watches the whole tenant and never
        ends on its own. Iterate it, and call `.cancel()` (or use `with`) to stop early.
        Each event's `verification` is the record as it was right after that event; a
        channel event also names its step (`step_index`, `channel`; see `event_attempt`).
        """
        try:
            call = self.stub.WatchStatus(
                verify_pb2.WatchStatusRequest(id=id), metadata=self._metadata, timeout=timeout
            )
        except grpc.RpcError as e:  # pragma: no cover - grpcio reports errors on iteration
            raise VerifydError.from_rpc_error(e) from e
        return WatchStream(call)


class WatchStream(Iterator[verify_pb2.WatchStatusResponse]):
    """An iterator over a WatchStatus stream that raises VerifydError on failure."""

    def __init__(self, call) -> None:
        self._call = call
        self._canceled = False

    def __iter__(self) -> "WatchStream":
        return self

    def __next__(self) -> verify_pb2.WatchStatusResponse:
        try:
            return next(self._call)
        except grpc.RpcError as e:
            if self._canceled and e.code() == grpc.StatusCode.CANCELLED:
                raise StopIteration from None
            raise VerifydError.from_rpc_error(e) from e

    def cancel(self) -> None:
        """Closes the stream; a later or pending `next()` ends the iteration."""
        self._canceled = True
        self._call.cancel()

    def __enter__(self) -> "WatchStream":
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


class AdminClient(_Base):
    """The AdminService calls that tests and demos need; `.stub` has all the others."""

    def __init__(
        self,
        target: Optional[str],
        admin_token: str,
        *,
        credentials: Optional[grpc.ChannelCredentials] = None,
        channel: Optional[grpc.Channel] = None,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        options: Optional[Sequence[tuple]] = None,
    ) -> None:
        super().__init__(
            target, (("authorization", f"Bearer {admin_token}"),), credentials, channel, timeout, options
        )
        self.stub = admin_pb2_grpc.AdminServiceStub(self.channel)

    def call(self, method: str, request, *, timeout=_UNSET):
        """Calls any AdminService method by name, e.g. call("CreateTenant", req)."""
        return self._call(getattr(self.stub, method), request, timeout)

    def list_sandbox_messages(
        self,
        verification_id: str = "",
        *,
        tenant_id: str = "",
        recipient: str = "",
        timeout=_UNSET,
    ) -> list[admin_pb2.SandboxMessage]:
        """What the sandbox "delivered", codes included, oldest first."""
        request = admin_pb2.ListSandboxMessagesRequest(
            verification_id=verification_id, tenant_id=tenant_id, recipient=recipient
        )
        return list(self._call(self.stub.ListSandboxMessages, request, timeout).messages)

    def wait_for_code(self, verification_id: str, *, timeout: float = 10.0, poll: float = 0.05) -> str:
        """Polls the sandbox outbox until a message of the verification arrives; returns its code."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.list_sandbox_messages(verification_id)
            if messages:
                return messages[-1].code
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no sandbox message for verification {verification_id} in {timeout}s")
            time.sleep(poll)

    def advance_clock(self, seconds: int, *, timeout=_UNSET) -> _dt.datetime:
        """Moves a `--clock manual` server's clock forward; returns the new time (UTC)."""
        response = self._call(self.stub.AdvanceClock, admin_pb2.AdvanceClockRequest(seconds=seconds), timeout)
        return response.now.ToDatetime(tzinfo=_dt.timezone.utc)
