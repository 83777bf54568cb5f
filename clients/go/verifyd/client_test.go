package verifyd_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
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
	pb.WatchEventKind_WATCH_EVENT_KIND_BLOCKED:              "verification.blocked",
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

const (
	stNew        = pb.DeliveryStatus_DELIVERY_STATUS_NEW
	stInProgress = pb.DeliveryStatus_DELIVERY_STATUS_IN_PROGRESS
	stSuccess    = pb.DeliveryStatus_DELIVERY_STATUS_SUCCESS
	stFailed     = pb.DeliveryStatus_DELIVERY_STATUS_FAILED
	stError      = pb.DeliveryStatus_DELIVERY_STATUS_ERROR
)

// documentedOutcomes are the SandboxMessage.outcome words of admin.proto.
var documentedOutcomes = []string{"delivered", "accepted", "failed", "rejected", "no report", "blocked", "provider error"}

// label is "CHANNEL_SENT[0]:TELEGRAM" for a channel event, "SUCCESS" for the others.
func label(m *pb.WatchStatusResponse) string {
	name := strings.TrimPrefix(m.GetKind().String(), "WATCH_EVENT_KIND_")
	if m.StepIndex == nil {
		return name
	}
	return fmt.Sprintf("%s[%d]:%s", name, m.GetStepIndex(), strings.TrimPrefix(m.GetChannel().String(), "CHANNEL_"))
}

func labels(msgs []*pb.WatchStatusResponse) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = label(m)
	}
	return out
}

func statuses(v *pb.Verification) []pb.DeliveryStatus {
	var out []pb.DeliveryStatus
	for _, a := range v.GetHistory() {
		out = append(out, a.GetStatus())
	}
	return out
}

func outbox(t *testing.T, ctx context.Context, admin *verifyd.Admin, id string) []*pb.SandboxMessage {
	t.Helper()
	msgs, err := admin.ListSandboxMessages(ctx, &pb.ListSandboxMessagesRequest{VerificationId: id})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
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
	// StartVerification answers once the first step was handed to its channel: telegram
	// is in progress (waiting for its report) with the provider's id, the rest not reached,
	// and the sandbox outbox already holds that first message.
	if got := statuses(v); v.GetStatus() != stInProgress || !slices.Equal(got, []pb.DeliveryStatus{stInProgress, stNew, stNew}) ||
		v.GetHistory()[0].GetExternalId() == "" || v.GetHistory()[0].GetSentAt() == nil {
		t.Fatalf("start response: status %v, history %v", v.GetStatus(), v.GetHistory())
	}
	if sent := outbox(t, ctx, admin, v.GetId()); len(sent) == 0 || sent[0].GetChannel() != pb.Channel_CHANNEL_TELEGRAM ||
		sent[0].GetExternalId() != v.GetHistory()[0].GetExternalId() {
		t.Fatalf("outbox right after the start = %v", sent)
	}

	bw, err := c.Watch(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	defer bw.Close()
	byID := collect(bw)
	if snap := byID.mustNext(t); snap.GetKind() != pb.WatchEventKind_WATCH_EVENT_KIND_SNAPSHOT || snap.GetVerification().GetId() != v.GetId() ||
		snap.StepIndex != nil || snap.GetChannel() != pb.Channel_CHANNEL_UNSPECIFIED {
		t.Fatalf("first message of the watch by id = %v", snap)
	}

	delivery := tenant.forID(t, v.GetId(), pb.WatchEventKind_WATCH_EVENT_KIND_SUCCESS, pb.WatchEventKind_WATCH_EVENT_KIND_FAILED)
	var decided []*pb.WatchStatusResponse
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
	want := []string{
		"CHANNEL_SENT[0]:TELEGRAM",
		"CHANNEL_FAILED[0]:TELEGRAM",
		"CHANNEL_SENT[1]:VOICE",
		"CHANNEL_FAILED[1]:VOICE",
		"CHANNEL_SENT[2]:SMS",
		"CHANNEL_SUCCESS[2]:SMS",
		"SUCCESS",
	}
	if got := labels(decided); !slices.Equal(got, want) {
		t.Fatalf("delivery events:\n got %v\nwant %v", got, want)
	}
	// Each message carries the record exactly as it was right after its own transition,
	// even when one change moved several steps (telegram failed, then voice started).
	type record struct {
		history   []pb.DeliveryStatus
		status    pb.DeliveryStatus
		delivered pb.Channel
		hasCost   bool
	}
	none, sms := pb.Channel_CHANNEL_UNSPECIFIED, pb.Channel_CHANNEL_SMS
	expected := []record{
		{[]pb.DeliveryStatus{stInProgress, stNew, stNew}, stInProgress, none, false},
		{[]pb.DeliveryStatus{stFailed, stNew, stNew}, stInProgress, none, false},
		{[]pb.DeliveryStatus{stFailed, stInProgress, stNew}, stInProgress, none, false},
		{[]pb.DeliveryStatus{stFailed, stFailed, stNew}, stInProgress, none, false},
		{[]pb.DeliveryStatus{stFailed, stFailed, stInProgress}, stInProgress, none, false},
		{[]pb.DeliveryStatus{stFailed, stFailed, stSuccess}, stInProgress, sms, false},
		{[]pb.DeliveryStatus{stFailed, stFailed, stSuccess}, stSuccess, sms, true},
	}
	for n, e := range decided {
		r := e.GetVerification()
		w := expected[n]
		if !slices.Equal(statuses(r), w.history) || r.GetStatus() != w.status || r.GetDeliveredChannel() != w.delivered ||
			(r.Cost != nil) != w.hasCost || r.GetState() != pb.VerificationState_VERIFICATION_STATE_PENDING {
			t.Errorf("%s carries history %v, status %v, delivered %v, cost %v, state %v; want %+v",
				label(e), statuses(r), r.GetStatus(), r.GetDeliveredChannel(), r.Cost, r.GetState(), w)
		}
		a := verifyd.EventAttempt(e)
		if a == nil {
			if e.GetChannel() != pb.Channel_CHANNEL_UNSPECIFIED {
				t.Errorf("%s: channel %v on a non-channel event", label(e), e.GetChannel())
			}
			continue
		}
		if a.GetChannel() != e.GetChannel() || r.GetRoutingStrategy()[e.GetStepIndex()].GetChannel() != e.GetChannel() ||
			a.GetExternalId() == "" || a.GetSentAt() == nil {
			t.Errorf("%s: attempt %v", label(e), a)
		}
		if e.GetKind() == pb.WatchEventKind_WATCH_EVENT_KIND_CHANNEL_FAILED && a.GetErrorReason() == "" {
			t.Errorf("%s: no error_reason in %v", label(e), a)
		}
	}
	done := delivery[len(delivery)-1].GetVerification()
	if done.GetStatus() != stSuccess || done.GetDeliveredChannel() != sms || done.GetCost() != 21 {
		t.Fatalf("after SUCCESS: status %v, delivered %v, cost %v", done.GetStatus(), done.GetDeliveredChannel(), done.Cost)
	}

	// The code, as the sandbox "delivered" it on each of the three channels.
	msgs := outbox(t, ctx, admin, v.GetId())
	var chans []pb.Channel
	var outcomes []string
	for i, m := range msgs {
		chans = append(chans, m.GetChannel())
		outcomes = append(outcomes, m.GetOutcome())
		if m.GetRecipient() != phone || m.GetCode() != msgs[len(msgs)-1].GetCode() ||
			i >= len(done.GetHistory()) || m.GetExternalId() != done.GetHistory()[i].GetExternalId() {
			t.Errorf("sandbox message %v", m)
		}
		if !slices.Contains(documentedOutcomes, m.GetOutcome()) {
			t.Errorf("sandbox %v message has outcome %q, not one of the documented values", m.GetChannel(), m.GetOutcome())
		}
	}
	if !slices.Equal(chans, []pb.Channel{pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_VOICE, pb.Channel_CHANNEL_SMS}) {
		t.Fatalf("sandbox channels = %v", chans)
	}
	// admin.proto: telegram and voice "failed" (not delivered, not answered); an SMS the
	// provider accepts is "accepted".
	if !slices.Equal(outcomes, []string{"failed", "failed", "accepted"}) {
		t.Errorf("sandbox outcomes = %q, want [failed failed accepted]", outcomes)
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
	if got := labels(verified); !slices.Equal(got, []string{"VERIFIED"}) ||
		verified[0].GetVerification().GetState() != pb.VerificationState_VERIFICATION_STATE_VERIFIED {
		t.Fatalf("after check the tenant stream gave %v", got)
	}
	tw.Close()

	// The watch by id saw the transitions after its snapshot, in order, each with the same
	// record as on the tenant-wide stream, and ended on its own after VERIFIED.
	rest := byID.untilEnd(t)
	full := append(delivery, verified...)
	if len(rest) == 0 || len(rest) > len(full) || !slices.EqualFunc(rest, full[len(full)-len(rest):],
		func(a, b *pb.WatchStatusResponse) bool { return proto.Equal(a, b) }) {
		t.Fatalf("watch by id gave %v, not a tail of %v ending in VERIFIED", labels(rest), labels(full))
	}

	rec, err := c.Get(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, a := range rec.GetHistory() {
		if a.Cost == nil {
			t.Errorf("attempt %v has no cost", a.GetChannel())
		}
		sum += a.GetCost()
	}
	if rec.GetState() != pb.VerificationState_VERIFICATION_STATE_VERIFIED || rec.GetStatus() != stSuccess ||
		rec.GetDeliveredChannel() != sms || !slices.Equal(statuses(rec), []pb.DeliveryStatus{stFailed, stFailed, stSuccess}) {
		t.Fatalf("record: state %v status %v delivered %v history %v", rec.GetState(), rec.GetStatus(), rec.GetDeliveredChannel(), statuses(rec))
	}
	// Default prices (admin.proto): telegram 1 + voice 12 + sms 8 euro cents.
	if rec.Cost == nil || rec.GetCost() != sum || sum != 21 || rec.GetCurrency() != "EUR" {
		t.Fatalf("cost %v (attempts sum %d) %q, want 21 EUR", rec.Cost, sum, rec.GetCurrency())
	}
}

func TestStartAnswersWithTheFirstStepsRealStatus(t *testing.T) {
	ctx := ctxT(t)
	c, admin := dial(t)

	// An SMS is delivered once the provider accepts it: already SUCCESS in the response,
	// and already in the outbox.
	v, err := c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199000000", RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_SMS)})
	if err != nil {
		t.Fatal(err)
	}
	h := v.GetHistory()
	if v.GetStatus() != stSuccess || v.GetDeliveredChannel() != pb.Channel_CHANNEL_SMS || v.GetCost() != 8 ||
		h[0].GetStatus() != stSuccess || h[0].GetExternalId() == "" {
		t.Fatalf("sms start response: %v", v)
	}
	if msgs := outbox(t, ctx, admin, v.GetId()); len(msgs) != 1 || msgs[0].GetOutcome() != "accepted" ||
		msgs[0].GetExternalId() != h[0].GetExternalId() {
		t.Fatalf("outbox right after an sms start = %v", msgs)
	}

	// A first channel whose provider cannot be reached: the response shows that step's
	// ERROR (refused, so no external id).
	v, err = c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199004000",
		RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_SMS)})
	if err != nil {
		t.Fatal(err)
	}
	if h := v.GetHistory(); h[0].GetStatus() != stError || h[0].GetErrorReason() == "" || h[0].GetExternalId() != "" || v.GetStatus() == stNew {
		t.Fatalf("provider-error start response: %v", v)
	}
	if msgs := outbox(t, ctx, admin, v.GetId()); len(msgs) == 0 || msgs[0].GetChannel() != pb.Channel_CHANNEL_TELEGRAM ||
		msgs[0].GetOutcome() != "provider error" {
		t.Fatalf("outbox right after a provider-error start = %v", msgs)
	}

	// A blocked number: the first step fails and so does the verification, no fallback.
	v, err = c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199003000",
		RoutingStrategy: verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_SMS)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(statuses(v), []pb.DeliveryStatus{stFailed, stNew}) || v.GetStatus() != stFailed {
		t.Fatalf("blocked start response: %v", v)
	}
	if msgs := outbox(t, ctx, admin, v.GetId()); len(msgs) != 1 || msgs[0].GetOutcome() != "blocked" {
		t.Fatalf("outbox right after a blocked start = %v", msgs)
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
	c, admin := dial(t)
	// Telegram never reports for this number, so delivery is still in progress.
	steps := verifyd.Steps(pb.Channel_CHANNEL_TELEGRAM, pb.Channel_CHANNEL_SMS)
	steps[0].TimeoutSec = proto.Uint32(600)
	v, err := c.Start(ctx, &pb.StartVerificationRequest{Phone: "+33199002220", RoutingStrategy: steps, Code: proto.String("135790")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(statuses(v), []pb.DeliveryStatus{stInProgress, stNew}) || v.GetHistory()[0].GetExternalId() == "" {
		t.Fatalf("start response: %v", v.GetHistory())
	}
	if msgs := outbox(t, ctx, admin, v.GetId()); len(msgs) != 1 || msgs[0].GetOutcome() != "no report" {
		t.Fatalf("outbox right after the start = %v", msgs)
	}
	canceled, err := c.Cancel(ctx, v.GetId())
	if err != nil {
		t.Fatal(err)
	}
	if canceled.GetId() != v.GetId() || canceled.GetState() != pb.VerificationState_VERIFICATION_STATE_CANCELED {
		t.Fatalf("cancel returned %v", canceled)
	}
	// Delivery stopped: the telegram attempt is closed and the sms step never started.
	if h := canceled.GetHistory(); h[0].GetStatus() == stNew || h[0].GetStatus() == stInProgress || h[1].GetStatus() != stNew {
		t.Fatalf("history after cancel: %v", h)
	}
	if msgs := outbox(t, ctx, admin, v.GetId()); len(msgs) != 1 {
		t.Fatalf("outbox after cancel = %v", msgs)
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
