package verifyd

import (
	"context"
	"errors"
	"io"
	"iter"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	verifydv1 "github.com/verifyd/verifyd/clients/go/verifydv1"
)

// Client is a VerifyService client for one tenant. It is safe for concurrent use.
type Client struct {
	conn     *grpc.ClientConn // nil when the caller owns the connection
	stub     verifydv1.VerifyServiceClient
	apiKey   string
	tenantID string
}

// Dial connects to a verifyd server. Without options the connection is plaintext;
// pass grpc.WithTransportCredentials(credentials.NewTLS(...)) for TLS.
func Dial(target, apiKey, tenantID string, opts ...grpc.DialOption) (*Client, error) {
	conn, err := newConn(target, opts)
	if err != nil {
		return nil, err
	}
	c := NewClient(conn, apiKey, tenantID)
	c.conn = conn
	return c, nil
}

// NewClient wraps a connection the caller owns (Close does not close it).
func NewClient(conn grpc.ClientConnInterface, apiKey, tenantID string) *Client {
	return &Client{stub: verifydv1.NewVerifyServiceClient(conn), apiKey: apiKey, tenantID: tenantID}
}

func newConn(target string, opts []grpc.DialOption) (*grpc.ClientConn, error) {
	if len(opts) == 0 {
		opts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	return grpc.NewClient(target, opts...)
}

// Close closes the connection if Dial opened it.
func (c *Client) Close() error {
	if c.conn == nil {
		return nil
	}
	return c.conn.Close()
}

// Stub returns the generated client, for calls this wrapper does not cover. Pass it a
// context from c.Context so that the calls are authenticated.
func (c *Client) Stub() verifydv1.VerifyServiceClient { return c.stub }

// Context adds the authorization and x-tenant-id metadata to ctx.
func (c *Client) Context(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.apiKey, "x-tenant-id", c.tenantID)
}

// Step returns a routing step on one channel with the server's defaults.
func Step(channel verifydv1.Channel) *verifydv1.RoutingStep {
	return &verifydv1.RoutingStep{Channel: channel}
}

// Steps returns a routing strategy that tries the channels in order, with defaults.
func Steps(channels ...verifydv1.Channel) []*verifydv1.RoutingStep {
	out := make([]*verifydv1.RoutingStep, len(channels))
	for i, ch := range channels {
		out[i] = Step(ch)
	}
	return out
}

// Start creates a verification and starts delivering its code; it returns the
// verification as stored.
func (c *Client) Start(ctx context.Context, req *verifydv1.StartVerificationRequest) (*verifydv1.Verification, error) {
	resp, err := c.stub.StartVerification(c.Context(ctx), req)
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetVerification(), nil
}

// Check checks a code. A wrong code is a result (CHECK_RESULT_INCORRECT), not an error.
func (c *Client) Check(ctx context.Context, id, code string) (*verifydv1.CheckCodeResponse, error) {
	resp, err := c.stub.CheckCode(c.Context(ctx), &verifydv1.CheckCodeRequest{Id: id, Code: code})
	return resp, wrap(err)
}

// Get returns the full record of one verification.
func (c *Client) Get(ctx context.Context, id string) (*verifydv1.Verification, error) {
	resp, err := c.stub.GetVerification(c.Context(ctx), &verifydv1.GetVerificationRequest{Id: id})
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetVerification(), nil
}

// Cancel cancels a pending verification and returns it (state CANCELED).
func (c *Client) Cancel(ctx context.Context, id string) (*verifydv1.Verification, error) {
	resp, err := c.stub.CancelVerification(c.Context(ctx), &verifydv1.CancelVerificationRequest{Id: id})
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetVerification(), nil
}

// Watch opens a WatchStatus stream. With an id it starts with a SNAPSHOT of that
// verification and ends (Recv returns io.EOF) after the transition that makes it
// final; with "" it watches the whole tenant and never ends on its own. Close it, or
// cancel ctx, to stop early. Each event's Verification is the record as it was right
// after that event; a channel event also names its step (StepIndex, Channel; see
// EventAttempt).
func (c *Client) Watch(ctx context.Context, id string) (*Watch, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.stub.WatchStatus(c.Context(ctx), &verifydv1.WatchStatusRequest{Id: id})
	if err != nil {
		cancel()
		return nil, wrap(err)
	}
	return &Watch{stream: stream, cancel: cancel}, nil
}

// EventAttempt returns the attempt a channel event (CHANNEL_SENT, _SUCCESS, _FAILED,
// _UPDATED) is about: msg.Verification.History[msg.StepIndex], as it was right after
// the event (msg.GetChannel() is its channel). It returns nil for the other events,
// whose step_index is unset.
func EventAttempt(msg *verifydv1.WatchStatusResponse) *verifydv1.ChannelAttempt {
	if msg == nil || msg.StepIndex == nil {
		return nil
	}
	h := msg.GetVerification().GetHistory()
	if i := int(msg.GetStepIndex()); i < len(h) {
		return h[i]
	}
	return nil
}

// Watch is an open WatchStatus stream.
type Watch struct {
	stream grpc.ServerStreamingClient[verifydv1.WatchStatusResponse]
	cancel context.CancelFunc
	closed atomic.Bool
}

// Recv returns the next message; io.EOF when the stream ended normally or was closed,
// an *Error otherwise.
func (w *Watch) Recv() (*verifydv1.WatchStatusResponse, error) {
	msg, err := w.stream.Recv()
	if err == nil {
		return msg, nil
	}
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	e := FromError(err)
	if w.closed.Load() && e.Code == codes.Canceled {
		return nil, io.EOF
	}
	return nil, e
}

// All iterates over the remaining messages; it stops at the end of the stream and
// yields a non-nil error (never io.EOF) at most once, as its last element.
func (w *Watch) All() iter.Seq2[*verifydv1.WatchStatusResponse, error] {
	return func(yield func(*verifydv1.WatchStatusResponse, error) bool) {
		for {
			msg, err := w.Recv()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(msg, err) || err != nil {
				return
			}
		}
	}
}

// Close ends the stream and frees what it holds. Safe to call more than once.
func (w *Watch) Close() {
	w.closed.Store(true)
	w.cancel()
}
