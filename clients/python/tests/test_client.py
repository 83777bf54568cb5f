"""The Python client against a real verifyd server (started by conftest.py)."""

from __future__ import annotations

import queue
import threading
import uuid

import grpc
import pytest

import verifyd
from verifyd import VerifydError, step
from verifyd.v1 import verify_pb2 as pb

from conftest import API_KEY, TENANT

EVENT_TIMEOUT = 20.0  # real seconds to wait for one stream message

EVENT_NAMES = {
    pb.WATCH_EVENT_KIND_SNAPSHOT: "snapshot",
    pb.WATCH_EVENT_KIND_SUCCESS: "verify_code.success",
    pb.WATCH_EVENT_KIND_FAILED: "verify_code.failed",
    pb.WATCH_EVENT_KIND_CHANNEL_SENT: "verify_code.channel.sent",
    pb.WATCH_EVENT_KIND_CHANNEL_SUCCESS: "verify_code.channel.success",
    pb.WATCH_EVENT_KIND_CHANNEL_FAILED: "verify_code.channel.failed",
    pb.WATCH_EVENT_KIND_CHANNEL_UPDATED: "verify_code.channel.updated",
    pb.WATCH_EVENT_KIND_VERIFIED: "verify_code.verified",
    pb.WATCH_EVENT_KIND_EXPIRED: "verify_code.expired",
    pb.WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED: "verify_code.max_attempts_reached",
    pb.WATCH_EVENT_KIND_CANCELED: "verify_code.canceled",
    pb.WATCH_EVENT_KIND_BLOCKED: "verification.blocked",
}

_END = object()


class Collector:
    """Reads a WatchStream on a thread so the test can wait for messages with a timeout."""

    def __init__(self, stream: verifyd.WatchStream) -> None:
        self.stream = stream
        self._q: "queue.Queue[object]" = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            for message in self.stream:
                self._q.put(message)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            self._q.put(e)
        self._q.put(_END)

    def next(self, timeout: float = EVENT_TIMEOUT):
        """The next message, or _END when the stream ended."""
        try:
            item = self._q.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no stream message within {timeout}s") from None
        if isinstance(item, BaseException):
            raise item
        return item

    def until_end(self, timeout: float = EVENT_TIMEOUT) -> list:
        out = []
        while (item := self.next(timeout)) is not _END:
            out.append(item)
        return out

    def for_id(self, vid: str, stop: set[int], timeout: float = EVENT_TIMEOUT) -> list:
        """Messages about verification `vid` up to and including one whose kind is in `stop`."""
        out = []
        while True:
            item = self.next(timeout)
            assert item is not _END, f"stream ended early; got {[kind(e) for e in out]}"
            if item.verification.id != vid:
                continue
            out.append(item)
            if item.kind in stop:
                return out


def kind(e: pb.WatchStatusResponse) -> str:
    return pb.WatchEventKind.Name(e.kind)


# --------------------------------------------------------------------------- scenarios


FAILED, IN_PROGRESS, NEW, SUCCESS = (
    pb.DELIVERY_STATUS_FAILED,
    pb.DELIVERY_STATUS_IN_PROGRESS,
    pb.DELIVERY_STATUS_NEW,
    pb.DELIVERY_STATUS_SUCCESS,
)

# The documented SandboxMessage.outcome words (admin.proto).
OUTCOMES = {"delivered", "accepted", "failed", "rejected", "no report", "blocked", "provider error"}


def label(e: pb.WatchStatusResponse) -> str:
    """ "CHANNEL_SENT[0]:TELEGRAM" for a channel event, "SUCCESS" for the others."""
    name = kind(e).removeprefix("WATCH_EVENT_KIND_")
    if not e.HasField("step_index"):
        return name
    return f"{name}[{e.step_index}]:{pb.Channel.Name(e.channel).removeprefix('CHANNEL_')}"


def test_three_step_fallback_watched_to_the_end(client: verifyd.Client, admin: verifyd.AdminClient):
    phone = "+33199001110"  # sandbox: telegram fails, voice fails, sms succeeds
    # A tenant-wide watch opened before the start sees every transition of the new
    # verification; a watch by id opened after the start sees a snapshot then the rest.
    tenant = Collector(client.watch(""))
    first = tenant.next()
    assert first.kind == pb.WATCH_EVENT_KIND_SNAPSHOT
    assert first.event == "snapshot"
    assert not first.HasField("verification"), "tenant-wide snapshot must leave verification unset"

    v = client.start(phone=phone, routing_strategy=["telegram", "voice", "sms"], payload="order-42")
    assert v.id and v.tenant_id == TENANT and v.phone == phone and v.payload == "order-42"
    assert v.state == pb.VERIFICATION_STATE_PENDING
    assert [s.channel for s in v.routing_strategy] == [pb.CHANNEL_TELEGRAM, pb.CHANNEL_VOICE, pb.CHANNEL_SMS]
    assert [a.channel for a in v.history] == [pb.CHANNEL_TELEGRAM, pb.CHANNEL_VOICE, pb.CHANNEL_SMS]
    # StartVerification answers once the first step was handed to its channel: telegram
    # is in progress (waiting for its report) with the provider's id, the rest not reached.
    assert v.status == IN_PROGRESS, v
    assert [a.status for a in v.history] == [IN_PROGRESS, NEW, NEW], v.history
    assert v.history[0].external_id and v.history[0].HasField("sent_at"), v.history[0]
    # ... and the sandbox outbox already holds that first message.
    sent = admin.list_sandbox_messages(v.id)
    assert sent and sent[0].channel == pb.CHANNEL_TELEGRAM, sent
    assert sent[0].external_id == v.history[0].external_id

    by_id = Collector(client.watch(v.id))
    snapshot = by_id.next()
    assert snapshot.kind == pb.WATCH_EVENT_KIND_SNAPSHOT and snapshot.verification.id == v.id
    assert not snapshot.HasField("step_index") and snapshot.channel == pb.CHANNEL_UNSPECIFIED

    delivery = tenant.for_id(v.id, stop={pb.WATCH_EVENT_KIND_SUCCESS, pb.WATCH_EVENT_KIND_FAILED})
    for e in delivery:
        assert e.event == EVENT_NAMES[e.kind], f"{kind(e)} has event name {e.event!r}"
        assert e.HasField("event_time")
    decided = [e for e in delivery if e.kind != pb.WATCH_EVENT_KIND_CHANNEL_UPDATED]
    assert [label(e) for e in decided] == [
        "CHANNEL_SENT[0]:TELEGRAM",
        "CHANNEL_FAILED[0]:TELEGRAM",
        "CHANNEL_SENT[1]:VOICE",
        "CHANNEL_FAILED[1]:VOICE",
        "CHANNEL_SENT[2]:SMS",
        "CHANNEL_SUCCESS[2]:SMS",
        "SUCCESS",
    ]
    # Each message carries the record exactly as it was right after its own transition,
    # even when one change moved several steps (telegram failed, then voice started).
    expected = [
        # (attempt statuses, verification status, delivered channel, cost set)
        ([IN_PROGRESS, NEW, NEW], IN_PROGRESS, pb.CHANNEL_UNSPECIFIED, False),
        ([FAILED, NEW, NEW], IN_PROGRESS, pb.CHANNEL_UNSPECIFIED, False),
        ([FAILED, IN_PROGRESS, NEW], IN_PROGRESS, pb.CHANNEL_UNSPECIFIED, False),
        ([FAILED, FAILED, NEW], IN_PROGRESS, pb.CHANNEL_UNSPECIFIED, False),
        ([FAILED, FAILED, IN_PROGRESS], IN_PROGRESS, pb.CHANNEL_UNSPECIFIED, False),
        ([FAILED, FAILED, SUCCESS], IN_PROGRESS, pb.CHANNEL_SMS, False),
        ([FAILED, FAILED, SUCCESS], SUCCESS, pb.CHANNEL_SMS, True),
    ]
    for e, (statuses, status, delivered, has_cost) in zip(decided, expected):
        r = e.verification
        got = ([a.status for a in r.history], r.status, r.delivered_channel, r.HasField("cost"))
        assert got == (statuses, status, delivered, has_cost), (label(e), r)
        assert r.state == pb.VERIFICATION_STATE_PENDING, (label(e), r)
        attempt = verifyd.event_attempt(e)
        if attempt is None:
            assert e.channel == pb.CHANNEL_UNSPECIFIED, label(e)
            continue
        assert attempt.channel == e.channel == r.routing_strategy[e.step_index].channel, label(e)
        assert attempt.external_id and attempt.HasField("sent_at"), (label(e), attempt)
        if e.kind == pb.WATCH_EVENT_KIND_CHANNEL_FAILED:
            assert attempt.error_reason, (label(e), attempt)
    done = delivery[-1].verification
    assert done.status == SUCCESS and done.delivered_channel == pb.CHANNEL_SMS and done.cost == 21

    # The code, as the sandbox "delivered" it on each of the three channels.
    messages = admin.list_sandbox_messages(v.id)
    assert [m.channel for m in messages] == [pb.CHANNEL_TELEGRAM, pb.CHANNEL_VOICE, pb.CHANNEL_SMS]
    assert all(m.recipient == phone and m.verification_id == v.id for m in messages)
    assert [m.external_id for m in messages] == [a.external_id for a in done.history]
    code = messages[-1].code
    assert len(code) == v.code_length == 6 and code.isdigit()
    assert {m.code for m in messages} == {code}
    # admin.proto: telegram and voice "failed" (not delivered, not answered); an SMS the
    # provider accepts is "accepted".
    assert [m.outcome for m in messages] == ["failed", "failed", "accepted"]
    assert {m.outcome for m in messages} <= OUTCOMES

    checked = client.check(v.id, code)
    assert checked.result == pb.CHECK_RESULT_VERIFIED
    assert checked.verification.state == pb.VERIFICATION_STATE_VERIFIED

    verified = tenant.for_id(v.id, stop={pb.WATCH_EVENT_KIND_VERIFIED})
    assert [label(e) for e in verified] == ["VERIFIED"]
    assert verified[0].event == "verify_code.verified"
    assert verified[0].verification.state == pb.VERIFICATION_STATE_VERIFIED
    assert [a.status for a in verified[0].verification.history] == [FAILED, FAILED, SUCCESS]
    tenant.stream.cancel()

    # The watch by id saw a snapshot, then (in order) the transitions after it, each with
    # the same record as on the tenant-wide stream, and ended on its own after VERIFIED.
    rest = by_id.until_end()
    full = delivery + verified
    assert rest and label(rest[-1]) == "VERIFIED", [label(e) for e in rest]
    assert rest == full[len(full) - len(rest):], (
        f"watch by id {[label(e) for e in rest]} is not the tail of {[label(e) for e in full]}"
    )

    record = client.get(v.id)
    assert record.state == pb.VERIFICATION_STATE_VERIFIED
    assert record.status == SUCCESS
    assert record.delivered_channel == pb.CHANNEL_SMS
    assert [a.status for a in record.history] == [FAILED, FAILED, SUCCESS]
    assert all(a.HasField("cost") for a in record.history)
    # Default prices (admin.proto): telegram 1 + voice 12 + sms 8 euro cents.
    assert record.HasField("cost") and record.cost == sum(a.cost for a in record.history) == 21
    assert record.currency == "EUR"


def test_start_answers_with_the_first_steps_real_status(client: verifyd.Client, admin: verifyd.AdminClient):
    # An SMS is delivered once the provider accepts it: already SUCCESS in the response.
    v = client.start(phone="+33199000000", routing_strategy=["sms"])
    assert v.status == SUCCESS and v.delivered_channel == pb.CHANNEL_SMS, v
    assert v.history[0].status == SUCCESS and v.history[0].external_id, v.history[0]
    assert v.HasField("cost") and v.cost == 8
    messages = admin.list_sandbox_messages(v.id)  # no waiting: already in the outbox
    assert [(m.channel, m.outcome, m.external_id) for m in messages] == [
        (pb.CHANNEL_SMS, "accepted", v.history[0].external_id)
    ]

    # A first channel whose provider cannot be reached: the response shows that step's
    # ERROR (it was refused, so it has no external id).
    v = client.start(phone="+33199004000", routing_strategy=["telegram", "sms"])
    assert v.history[0].status == pb.DELIVERY_STATUS_ERROR, v.history[0]
    assert v.history[0].error_reason and not v.history[0].external_id, v.history[0]
    assert v.status != NEW, v
    messages = admin.list_sandbox_messages(v.id)
    assert messages and (messages[0].channel, messages[0].outcome) == (pb.CHANNEL_TELEGRAM, "provider error")

    # A blocked number: the first step fails and so does the verification, no fallback.
    v = client.start(phone="+33199003000", routing_strategy=["telegram", "sms"])
    assert [a.status for a in v.history] == [FAILED, NEW], v.history
    assert v.status == FAILED, v
    messages = admin.list_sandbox_messages(v.id)
    assert [(m.channel, m.outcome) for m in messages] == [(pb.CHANNEL_TELEGRAM, "blocked")]


def test_validation_error_exposes_reason_and_field_path(client: verifyd.Client):
    with pytest.raises(VerifydError) as info:
        client.start(
            phone="+33199000000",
            routing_strategy=[step("telegram"), step("whatsapp", timeout_sec=5), "sms"],
        )
    err = info.value
    assert err.code == grpc.StatusCode.INVALID_ARGUMENT
    assert err.domain == "verifyd"
    assert err.reason == "VALIDATION_FAILED"
    assert "routing_strategy[1].timeout_sec" in err.fields, err.field_violations

    with pytest.raises(VerifydError) as info:
        client.start(phone="+33199000000", routing_strategy=[pb.CHANNEL_UNSPECIFIED])
    err = info.value
    assert err.code == grpc.StatusCode.INVALID_ARGUMENT
    assert err.domain == "verifyd"
    assert err.reason == "INVALID_CHANNEL"
    assert "routing_strategy[0].channel" in err.fields, err.field_violations


def test_wrong_code_uses_attempts(client: verifyd.Client):
    v = client.start(phone="+33199000000", routing_strategy=["sms"], code="424242", max_attempts=3)
    assert v.attempts_remaining == 3

    first = client.check(v.id, "000000")
    assert first.result == pb.CHECK_RESULT_INCORRECT
    assert first.verification.attempts_remaining == 2
    assert first.verification.state == pb.VERIFICATION_STATE_PENDING
    second = client.check(v.id, "111111")
    assert second.result == pb.CHECK_RESULT_INCORRECT
    assert second.verification.attempts_remaining == 1
    assert client.get(v.id).attempts_remaining == 1

    right = client.check(v.id, "424242")
    assert right.result == pb.CHECK_RESULT_VERIFIED
    assert right.verification.state == pb.VERIFICATION_STATE_VERIFIED


def test_last_wrong_code_reaches_max_attempts(client: verifyd.Client):
    v = client.start(phone="+33199000000", routing_strategy=["sms"], code="5678", max_attempts=2)
    assert client.check(v.id, "0000").verification.attempts_remaining == 1
    last = client.check(v.id, "1111")
    assert last.result == pb.CHECK_RESULT_INCORRECT
    assert last.verification.attempts_remaining == 0
    assert last.verification.state == pb.VERIFICATION_STATE_MAX_ATTEMPTS_REACHED
    after = client.check(v.id, "5678")
    assert after.result == pb.CHECK_RESULT_MAX_ATTEMPTS_REACHED
    assert after.verification.state == pb.VERIFICATION_STATE_MAX_ATTEMPTS_REACHED


def test_cancel_then_check_is_not_pending(client: verifyd.Client, admin: verifyd.AdminClient):
    # Telegram never reports for this number, so delivery is still in progress.
    v = client.start(
        phone="+33199002220", routing_strategy=[step("telegram", timeout_sec=600), "sms"], code="135790"
    )
    assert [a.status for a in v.history] == [IN_PROGRESS, NEW], v.history
    assert v.history[0].external_id, v.history[0]
    outbox = admin.list_sandbox_messages(v.id)
    assert [(m.channel, m.outcome) for m in outbox] == [(pb.CHANNEL_TELEGRAM, "no report")]
    canceled = client.cancel(v.id)
    assert canceled.id == v.id
    assert canceled.state == pb.VERIFICATION_STATE_CANCELED
    # Delivery stopped: the telegram attempt is closed and the sms step never started.
    assert canceled.history[0].status not in (NEW, IN_PROGRESS), canceled.history
    assert canceled.history[1].status == NEW, canceled.history
    assert len(admin.list_sandbox_messages(v.id)) == 1
    assert client.get(v.id).state == pb.VERIFICATION_STATE_CANCELED

    checked = client.check(v.id, "135790")
    assert checked.result == pb.CHECK_RESULT_NOT_PENDING
    assert checked.verification.state == pb.VERIFICATION_STATE_CANCELED

    with pytest.raises(VerifydError) as info:
        client.cancel(v.id)
    assert info.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.domain == "verifyd" and info.value.reason


def test_unknown_id_and_bad_key(server, client: verifyd.Client):
    with pytest.raises(VerifydError) as info:
        client.get(str(uuid.uuid4()))
    assert info.value.code == grpc.StatusCode.NOT_FOUND
    assert info.value.reason == "NOT_FOUND"

    with verifyd.Client(server.target, api_key=API_KEY + "-wrong", tenant_id=TENANT) as bad:
        with pytest.raises(VerifydError) as info:
            bad.get(str(uuid.uuid4()))
    assert info.value.code == grpc.StatusCode.UNAUTHENTICATED
    assert info.value.reason == "UNAUTHENTICATED"


def test_advance_clock(admin: verifyd.AdminClient):
    before = admin.advance_clock(1)
    after = admin.advance_clock(2)
    assert (after - before).total_seconds() == pytest.approx(2, abs=0.5)
