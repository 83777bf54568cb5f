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
    by_id = Collector(client.watch(v.id))
    snapshot = by_id.next()
    assert snapshot.kind == pb.WATCH_EVENT_KIND_SNAPSHOT and snapshot.verification.id == v.id

    delivery = tenant.for_id(v.id, stop={pb.WATCH_EVENT_KIND_SUCCESS, pb.WATCH_EVENT_KIND_FAILED})
    for e in delivery:
        assert e.event == EVENT_NAMES[e.kind], f"{kind(e)} has event name {e.event!r}"
        assert e.HasField("event_time")
    # The kinds, in order. Each message's verification reflects at least its transition:
    # the server may commit several transitions at once (telegram failed + voice sent)
    # and send the resulting record with each of them, so the step an event is about is
    # known from its position, not from the record.
    decided = [e for e in delivery if e.kind != pb.WATCH_EVENT_KIND_CHANNEL_UPDATED]
    expected = [
        (pb.WATCH_EVENT_KIND_CHANNEL_SENT, 0),
        (pb.WATCH_EVENT_KIND_CHANNEL_FAILED, 0),
        (pb.WATCH_EVENT_KIND_CHANNEL_SENT, 1),
        (pb.WATCH_EVENT_KIND_CHANNEL_FAILED, 1),
        (pb.WATCH_EVENT_KIND_CHANNEL_SENT, 2),
        (pb.WATCH_EVENT_KIND_CHANNEL_SUCCESS, 2),
        (pb.WATCH_EVENT_KIND_SUCCESS, 2),
    ]
    assert [kind(e) for e in decided] == [pb.WatchEventKind.Name(k) for k, _ in expected]
    for e, (k, i) in zip(decided, expected):
        attempts = e.verification.history
        assert all(a.status == pb.DELIVERY_STATUS_FAILED for a in attempts[:i]), (kind(e), i, attempts)
        status = attempts[i].status
        if k == pb.WATCH_EVENT_KIND_CHANNEL_SENT:
            assert status != pb.DELIVERY_STATUS_NEW and attempts[i].HasField("sent_at"), (kind(e), i, attempts)
        elif k == pb.WATCH_EVENT_KIND_CHANNEL_FAILED:
            assert status == pb.DELIVERY_STATUS_FAILED and attempts[i].error_reason, (kind(e), i, attempts)
        else:
            assert status == pb.DELIVERY_STATUS_SUCCESS, (kind(e), i, attempts)
    done = delivery[-1].verification
    assert done.status == pb.DELIVERY_STATUS_SUCCESS
    assert done.delivered_channel == pb.CHANNEL_SMS
    assert done.state == pb.VERIFICATION_STATE_PENDING

    # The code, as the sandbox "delivered" it on each of the three channels.
    messages = admin.list_sandbox_messages(v.id)
    assert [m.channel for m in messages] == [pb.CHANNEL_TELEGRAM, pb.CHANNEL_VOICE, pb.CHANNEL_SMS]
    assert all(m.recipient == phone and m.verification_id == v.id for m in messages)
    code = messages[-1].code
    assert len(code) == v.code_length == 6 and code.isdigit()
    assert {m.code for m in messages} == {code}

    checked = client.check(v.id, code)
    assert checked.result == pb.CHECK_RESULT_VERIFIED
    assert checked.verification.state == pb.VERIFICATION_STATE_VERIFIED

    verified = tenant.for_id(v.id, stop={pb.WATCH_EVENT_KIND_VERIFIED})
    assert [kind(e) for e in verified] == ["WATCH_EVENT_KIND_VERIFIED"]
    assert verified[0].event == "verify_code.verified"
    tenant.stream.cancel()

    # The watch by id saw a snapshot, then (in order) the transitions after it, and ended
    # on its own after VERIFIED made the verification final.
    rest = by_id.until_end()
    full = [kind(e) for e in delivery + verified]
    got = [kind(e) for e in rest]
    assert got and got[-1] == "WATCH_EVENT_KIND_VERIFIED", got
    assert got == full[len(full) - len(got):], f"watch by id {got} is not the tail of {full}"

    record = client.get(v.id)
    assert record.state == pb.VERIFICATION_STATE_VERIFIED
    assert record.status == pb.DELIVERY_STATUS_SUCCESS
    assert record.delivered_channel == pb.CHANNEL_SMS
    assert [a.status for a in record.history] == [
        pb.DELIVERY_STATUS_FAILED,
        pb.DELIVERY_STATUS_FAILED,
        pb.DELIVERY_STATUS_SUCCESS,
    ]
    assert all(a.HasField("cost") for a in record.history)
    # Default prices (admin.proto): telegram 1 + voice 12 + sms 8 euro cents.
    assert record.HasField("cost") and record.cost == sum(a.cost for a in record.history) == 21
    assert record.currency == "EUR"

    # admin.proto: SandboxMessage.outcome is one of "delivered", "failed", "no report",
    # "rejected"; an SMS the provider accepts is "delivered". (Checked last so that a
    # deviation here does not hide the checks above.)
    outcomes = [m.outcome for m in messages]
    assert outcomes[-1] == "delivered", outcomes
    assert set(outcomes) <= {"delivered", "failed", "no report", "rejected"}, outcomes


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


def test_cancel_then_check_is_not_pending(client: verifyd.Client):
    # Telegram never reports for this number, so delivery is still in progress.
    v = client.start(
        phone="+33199002220", routing_strategy=[step("telegram", timeout_sec=600), "sms"], code="135790"
    )
    canceled = client.cancel(v.id)
    assert canceled.id == v.id
    assert canceled.state == pb.VERIFICATION_STATE_CANCELED
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
