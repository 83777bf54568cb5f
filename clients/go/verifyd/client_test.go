package verifyd_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/verifyd/verifyd/clients/go/verifyd"
	pb "github.com/verifyd/verifyd/clients/go/verifydv1"
)

const eventTimeout = 20 * time.Second // real time to wait for one stream message

var eventNames = map[pb.WatchEventKind]string{
	pb.WatchEventKind_WATCH_EVENT_KIND_SNAPSHOT:             "snapshot",
	pb.WatchEventKind_WATCH_EVENT_KIND_SUCCESS:              "verify_code.success",
	pb.WatchEventKind_WATCH_EVENT_KIND_FAILED:               "verify_code.failed",
	pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SENT:         "verify_code.channel.sent",
	pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SUCCESS:      "verify_code.channel.success",
	pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_FAILED:       "verify_code.channel.failed",
	pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_UPDATED:      "verify_code.channel.updated",
	pb.WatchEventKind_WATCH_EVENT_KIND_VERIFIED:             "verify_code.verified",
	pb.WatchEventKind_WATCH_EVENT_KIND_EXPIRED:              "verify_code.expired",
	pb.WatchEventKind_WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED: "verify_code.max_attempts_reached",
	pb.WatchEventKind_WATCH_EVENT_KIND_CANCELED:             "verify_code.canceled",
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T) (*verifyd.Client, *verifyd.Admin) {
	t.Helper()
	c, err := verifyd.Dial(target, apiKey, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	a, err := verifyd.DialAdmin(target, adminToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return c, a
}

// collector reads a Watch on a goroutine so the test can wait with a timeout.
type collector struct {
	w  *verifyd.Watch
	ch chan item
}

type item struct {
	msg *pb.WatchStatusResponse
	err error // io.EOF at the end of the stream
}

func collect(w *verifyd.Watch) *collector {
	c := &collector{w: w, ch: make(chan item, 1024)}
	go func() {
		for {
			msg, err := w.Recv()
			c.ch <- item{msg, err}
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *collector) next(t *testing.T) (*pb.WatchStatusResponse, error) {
	t.Helper()
	select {
	case it := <-c.ch:
		return it.msg, it.err
	case <-time.After(eventTimeout):
		t.Fatalf("no stream message within %s", eventTimeout)
		return nil, nil
	}
}

func (c *collector) mustNext(t *testing.T) *pb.WatchStatusResponse {
	t.Helper()
	msg, err := c.next(t)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	return msg
}

// forID returns the messages about verification id up to and including one of a stop kind.
func (c *collector) forID(t *testing.T, id string, stop ...pb.WatchEventKind) []*pb.WatchStatusResponse {
	t.Helper()
	var out []*pb.WatchStatusResponse
	for {
		msg, err := c.next(t)
		if err != nil {
			t.Fatalf("stream ended (%v) after %v", err, kinds(out))
		}
		if msg.GetVerification().GetId() != id {
			continue
		}
		out = append(out, msg)
		if slices.Contains(stop, msg.GetKind()) {
			return out
		}
	}
}

// untilEnd returns every remaining message and requires the stream to end normally.
func (c *collector) untilEnd(t *testing.T) []*pb.WatchStatusResponse {
	t.Helper()
	var out []*pb.WatchStatusResponse
	for {
		msg, err := c.next(t)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("stream failed after %v: %v", kinds(out), err)
		}
		out = append(out, msg)
	}
}

func kinds(msgs []*pb.WatchStatusResponse) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.GetKind().String()
	}
	return out
}

func mustErr(t *testing.T, err error) *verifyd.Error {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got none")
	}
	e, ok := verifyd.AsError(err)
	if !ok {
		t.Fatalf("error %T is not a *verifyd.Error: %v", err, err)
	}
	return e
}

func TestThreeStepFallbackWatchedToTheEnd(t *testing.T) {
	ctx := ctxT(t)
	c, admin := dial(t)
	const phone = "+33199001110" // sandbox: telegram fails, voice fails, sms succeeds

	// A tenant-wide watch opened before the start sees every transition of the new
	// verification; a watch by id opened after the start sees a snapshot then the rest.
	tw, err := c.Watch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer tw.Close()
	tenant := collect(tw)
	first := tenant.mustNext(t)
	if first.GetKind() != pb.WatchEventKind_WATCH_EVENT_KIND_SNAPSHOT || first.GetEvent() != "snapshot" {
		t.Fatalf("first tenant message = %v %q, want SNAPSHOT", first.GetKind(), first.GetEvent())
	}
	if first.Verification != nil {
		t.Fatalf("tenant-wide snapshot must leave verification unset, got %v", first.Verification)
	}

	v, err := c.Start(ctx, &pb.StartVerificationRequest{
		Phone:           phone,
		RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_VOICE, pb.Channel_CHANNEL_SMS),
		Payload:         "order-42",
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.GetId() == "" || v.GetTenantId() != tenantID || v.GetPhone() != phone || v.GetPayload() != "order-42" ||
		v.GetState() != pb.VerificationState_VERIFICATION_STATE_PENDING {
		t.Fatalf("started verification = %v", v)
	}
	bw, err := c.Watch(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	defer bw.Close()
	byID := collect(bw)
	if snap := byID.mustNext(t); snap.GetKind() != pb.WatchEventKind_WATCH_EVENT_KIND_SNAPSHOT || snap.GetVerification().GetId() != v.GetId() {
		t.Fatalf("first message of the watch by id = %v", snap)
	}

	delivery := tenant.forID(t, v.GetId(), pb.WatchEventKind_WATCH_EVENT_KIND_SUCCESS, pb.WatchEventKind_WATCH_EVENT_KIND_FAILED)
	// The kinds, in order. Each message's verification reflects at least its transition:
	// the server may commit several transitions at once (telegram failed + voice sent)
	// and send the resulting record with each of them, so the step an event is about is
	// known from its position, not from the record.
	type step struct {
		kind pb.WatchEventKind
		i    int
	}
	expected := []step{
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SENT, 0},
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_FAILED, 0},
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SENT, 1},
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_FAILED, 1},
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SENT, 2},
		{pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SUCCESS, 2},
		{pb.WatchEventKind_WATCH_EVENT_KIND_SUCCESS, 2},
	}
	var decided []*pb.WatchStatusResponse
	var want []string
	for _, e := range delivery {
		if e.GetEvent() != eventNames[e.GetKind()] {
			t.Errorf("%v has event name %q, want %q", e.GetKind(), e.GetEvent(), eventNames[e.GetKind()])
		}
		if e.GetEventTime() == nil {
			t.Errorf("%v has no event_time", e.GetKind())
		}
		if e.GetKind() != pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_UPDATED {
			decided = append(decided, e)
		}
	}
	for _, s := range expected {
		want = append(want, s.kind.String())
	}
	if got := kinds(decided); !slices.Equal(got, want) {
		t.Fatalf("delivery events:\n got %v\nwant %v", got, want)
	}
	for n, s := range expected {
		h := decided[n].GetVerification().GetHistory()
		for _, a := range h[:s.i] {
			if a.GetStatus() != pb.DeliveryStatus_DELIVERY_STATUS_FAILED {
				t.Errorf("%v #%d: earlier step %v is %v", s.kind, s.i, a.GetChannel(), a.GetStatus())
			}
		}
		a := h[s.i]
		switch s.kind {
		case pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_SENT:
			if a.GetStatus() == pb.DeliveryStatus_DELIVERY_STATUS_NEW || a.GetSentAt() == nil {
				t.Errorf("%v #%d: attempt %v", s.kind, s.i, a)
			}
		case pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_FAILED:
			if a.GetStatus() != pb.DeliveryStatus_DELIVERY_STATUS_FAILED || a.GetErrorReason() == "" {
				t.Errorf("%v #%d: attempt %v", s.kind, s.i, a)
			}
		default:
			if a.GetStatus() != pb.DeliveryStatus_DELIVERY_STATUS_SUCCESS {
				t.Errorf("%v #%d: attempt %v", s.kind, s.i, a)
			}
		}
	}
	done := delivery[len(delivery)-1].GetVerification()
	if done.GetStatus() != pb.DeliveryStatus_DELIVERY_STATUS_SUCCESS || done.GetDeliveredChannel() != pb.Channel_CHANNEL_SMS ||
		done.GetState() != pb.VerificationState_VERIFICATION_STATE_PENDING {
		t.Fatalf("after SUCCESS: status %v, delivered %v, state %v", done.GetStatus(), done.GetDeliveredChannel(), done.GetState())
	}

	// The code, as the sandbox "delivered" it on each of the three channels.
	msgs, err := admin.ListSandboxMessages(ctx, &pb.ListSandboxMessagesRequest{VerificationId: v.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	var chans []pb.Channel
	for _, m := range msgs {
		chans = append(chans, m.GetChannel())
		if m.GetRecipient() != phone || m.GetCode() != msgs[len(msgs)-1].GetCode() {
			t.Errorf("sandbox message %v", m)
		}
	}
	if !slices.Equal(chans, []pb.Channel{pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_VOICE, pb.Channel_CHANNEL_SMS}) {
		t.Fatalf("sandbox channels = %v", chans)
	}
	code := msgs[len(msgs)-1].GetCode()
	if len(code) != 6 {
		t.Fatalf("sms sandbox message = %v", msgs[len(msgs)-1])
	}

	checked, err := c.Check(ctx, v.GetId(), code)
	if err != nil {
		t.Fatal(err)
	}
	if checked.GetResult() != pb.CheckResult_CHECK_RESULT_VERIFIED ||
		checked.GetVerification().GetState() != pb.VerificationState_VERIFICATION_STATE_VERIFIED {
		t.Fatalf("check = %v / %v", checked.GetResult(), checked.GetVerification().GetState())
	}
	verified := tenant.forID(t, v.GetId(), pb.WatchEventKind_WATCH_EVENT_KIND_VERIFIED)
	if got := kinds(verified); !slices.Equal(got, []string{"WATCH_EVENT_KIND_VERIFIED"}) {
		t.Fatalf("after check the tenant stream gave %v", got)
	}
	tw.Close()

	// The watch by id saw the transitions after its snapshot, in order, and ended on its
	// own after VERIFIED.
	rest := kinds(byID.untilEnd(t))
	full := kinds(append(delivery, verified...))
	if len(rest) == 0 || len(rest) > len(full) || !slices.Equal(rest, full[len(full)-len(rest):]) {
		t.Fatalf("watch by id gave %v, not a tail of %v ending in VERIFIED", rest, full)
	}

	rec, err := c.Get(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	var statuses []pb.DeliveryStatus
	var sum int64
	for _, a := range rec.GetHistory() {
		statuses = append(statuses, a.GetStatus())
		if a.Cost == nil {
			t.Errorf("attempt %v has no cost", a.GetChannel())
		}
		sum += a.GetCost()
	}
	if rec.GetState() != pb.VerificationState_VERIFICATION_STATE_VERIFIED ||
		rec.GetStatus() != pb.DeliveryStatus_DELIVERY_STATUS_SUCCESS ||
		rec.GetDeliveredChannel() != pb.Channel_CHANNEL_SMS ||
		!slices.Equal(statuses, []pb.DeliveryStatus{pb.DeliveryStatus_DELIVERY_STATUS_FAILED, pb.DeliveryStatus_DELIVERY_STATUS_FAILED, pb.DeliveryStatus_DELIVERY_STATUS_SUCCESS}) {
		t.Fatalf("record: state %v status %v delivered %v history %v", rec.GetState(), rec.GetStatus(), rec.GetDeliveredChannel(), statuses)
	}
	// Default prices (admin.proto): telegram 1 + voice 12 + sms 8 euro cents.
	if rec.Cost == nil || rec.GetCost() != sum || sum != 21 || rec.GetCurrency() != "EUR" {
		t.Fatalf("cost %v (attempts sum %d) %q, want 21 EUR", rec.Cost, sum, rec.GetCurrency())
	}

	// admin.proto: SandboxMessage.outcome is one of "delivered", "failed", "no report",
	// "rejected"; an SMS the provider accepts is "delivered". (Checked last so that a
	// deviation here does not hide the checks above.)
	for _, m := range msgs {
		if !slices.Contains([]string{"delivered", "failed", "no report", "rejected"}, m.GetOutcome()) {
			t.Errorf("sandbox %v message has outcome %q, not one of the documented values", m.GetChannel(), m.GetOutcome())
		}
	}
	if o := msgs[len(msgs)-1].GetOutcome(); o != "delivered" {
		t.Errorf("accepted SMS has sandbox outcome %q, want \"delivered\"", o)
	}
}

func TestValidationErrorExposesReasonAndFieldPath(t *testing.T) {
	ctx := ctxT(t)
	c, _ := dial(t)

	steps := verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_WHATSAPP, pb.Channel_CHANNEL_SMS)
	steps[1].TimeoutSec = proto.Uint32(5) // allowed: 30 to 3600
	_, err := c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199000000", RoutingStrategy: steps})
	e := mustErr(t, err)
	if e.Code != codes.InvalidArgument || e.Domain != "verifyd" || e.Reason != "VALIDATION_FAILED" ||
		!slices.Contains(e.Fields(), "routing_strategy[1].timeout_sec") {
		t.Fatalf("got %v (fields %v)", e, e.Fields())
	}
	if status.Code(err) != codes.InvalidArgument { // *Error keeps working with the status package
		t.Fatalf("status.Code = %v", status.Code(err))
	}

	_, err = c.Start(ctx, &pb.StartVerificationRequest{
		Phone: "+33199000000", RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_UNSPECIFIED),
	})
	e = mustErr(t, err)
	if e.Code != codes.InvalidArgument || e.Domain != "verifyd" || e.Reason != "INVALID_CHANNEL" ||
		!slices.Contains(e.Fields(), "routing_strategy[0].channel") {
		t.Fatalf("got %v (fields %v)", e, e.Fields())
	}
}

func TestWrongCodeUsesAttempts(t *testing.T) {
	ctx := ctxT(t)
	c, _ := dial(t)
	v, err := c.Start(ctx, &pb.StartVerificationRequest{
		Phone: "+33199000000", RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_SMS),
		Code: proto.String("424242"), MaxAttempts: proto.Uint32(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.GetAttemptsRemaining() != 3 {
		t.Fatalf("attempts_remaining = %d, want 3", v.GetAttemptsRemaining())
	}
	for i, wrong := range []string{"000000", "111111"} {
		r, err := c.Check(ctx, v.GetId(), wrong)
		if err != nil {
			t.Fatal(err)
		}
		if r.GetResult() != pb.CheckResult_CHECK_RESULT_INCORRECT || r.GetVerification().GetAttemptsRemaining() != uint32(2-i) ||
			r.GetVerification().GetState() != pb.VerificationState_VERIFICATION_STATE_PENDING {
			t.Fatalf("wrong code %d: %v, attempts_remaining %d, state %v", i+1, r.GetResult(),
				r.GetVerification().GetAttemptsRemaining(), r.GetVerification().GetState())
		}
	}
	if got, err := c.Get(ctx, v.GetId()); err != nil || got.GetAttemptsRemaining() != 1 {
		t.Fatalf("get: %v, %v", got.GetAttemptsRemaining(), err)
	}
	r, err := c.Check(ctx, v.GetId(), "424242")
	if err != nil || r.GetResult() != pb.CheckResult_CHECK_RESULT_VERIFIED {
		t.Fatalf("right code: %v, %v", r.GetResult(), err)
	}
}

func TestLastWrongCodeReachesMaxAttempts(t *testing.T) {
	ctx := ctxT(t)
	c, _ := dial(t)
	v, err := c.Start(ctx, &pb.StartVerificationRequest{
		Phone: "+33199000000", RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_SMS),
		Code: proto.String("5678"), MaxAttempts: proto.Uint32(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Check(ctx, v.GetId(), "0000"); err != nil {
		t.Fatal(err)
	}
	last, err := c.Check(ctx, v.GetId(), "1111")
	if err != nil {
		t.Fatal(err)
	}
	if last.GetResult() != pb.CheckResult_CHECK_RESULT_INCORRECT || last.GetVerification().GetAttemptsRemaining() != 0 ||
		last.GetVerification().GetState() != pb.VerificationState_VERIFICATION_STATE_MAX_ATTEMPTS_REACHED {
		t.Fatalf("last wrong code: %v %d %v", last.GetResult(), last.GetVerification().GetAttemptsRemaining(), last.GetVerification().GetState())
	}
	after, err := c.Check(ctx, v.GetId(), "5678")
	if err != nil || after.GetResult() != pb.CheckResult_CHECK_RESULT_MAX_ATTEMPTS_REACHED {
		t.Fatalf("after the last attempt: %v, %v", after.GetResult(), err)
	}
}

func TestCancelThenCheckIsNotPending(t *testing.T) {
	ctx := ctxT(t)
	c, _ := dial(t)
	// Telegram never reports for this number, so delivery is still in progress.
	steps := verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_SMS)
	steps[0].TimeoutSec = proto.Uint32(600)
	v, err := c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199002220", RoutingStrategy: steps, Code: proto.String("135790")})
	if err != nil {
		t.Fatal(err)
	}
	canceled, err := c.Cancel(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	if canceled.GetId() != v.GetId() || canceled.GetState() != pb.VerificationState_VERIFICATION_STATE_CANCELED {
		t.Fatalf("cancel returned %v", canceled)
	}
	if got, err := c.Get(ctx, v.GetId()); err != nil || got.GetState() != pb.VerificationState_VERIFICATION_STATE_CANCELED {
		t.Fatalf("get after cancel: %v, %v", got.GetState(), err)
	}
	r, err := c.Check(ctx, v.GetId(), "135790")
	if err != nil {
		t.Fatal(err)
	}
	if r.GetResult() != pb.CheckResult_CHECK_RESULT_NOT_PENDING || r.GetVerification().GetState() != pb.VerificationState_VERIFICATION_STATE_CANCELED {
		t.Fatalf("check after cancel: %v, state %v", r.GetResult(), r.GetVerification().GetState())
	}
	_, err = c.Cancel(ctx, v.GetId())
	if e := mustErr(t, err); e.Code != codes.FailedPrecondition || e.Domain != "verifyd" || e.Reason == "" {
		t.Fatalf("second cancel: %v", e)
	}
}

func TestUnknownIDAndBadKey(t *testing.T) {
	ctx := ctxT(t)
	c, _ := dial(t)
	_, err := c.Get(ctx, "00000000-0000-4000-8000-000000000000")
	if e := mustErr(t, err); e.Code != codes.NotFound || e.Reason != "NOT_FOUND" {
		t.Fatalf("unknown id: %v", e)
	}
	bad, err := verifyd.Dial(target, apiKey+"-wrong", tenantID)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.Get(ctx, "00000000-0000-4000-8000-000000000000")
	if e := mustErr(t, err); e.Code != codes.Unauthenticated || e.Reason != "UNAUTHENTICATED" {
		t.Fatalf("bad key: %v", e)
	}
}

func TestAdvanceClock(t *testing.T) {
	ctx := ctxT(t)
	_, admin := dial(t)
	before, err := admin.AdvanceClock(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	after, err := admin.AdvanceClock(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d := after.Sub(before); d < 1500*time.Millisecond || d > 2500*time.Millisecond {
		t.Fatalf("clock moved %v, want 2s", d)
	}
}
