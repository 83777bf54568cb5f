package verifyd

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	verifydv1 "github.com/verifyd/verifyd/clients/go/verifydv1"
)

// Admin is an AdminService client with the calls that tests and demos need; Stub has
// every other call (pass it a context from a.Context).
type Admin struct {
	conn  *grpc.ClientConn
	stub  verifydv1.AdminServiceClient
	token string
}

// DialAdmin connects to a verifyd server's AdminService (plaintext without options).
func DialAdmin(target, adminToken string, opts ...grpc.DialOption) (*Admin, error) {
	conn, err := newConn(target, opts)
	if err != nil {
		return nil, err
	}
	a := NewAdmin(conn, adminToken)
	a.conn = conn
	return a, nil
}

// NewAdmin wraps a connection the caller owns (Close does not close it).
func NewAdmin(conn grpc.ClientConnInterface, adminToken string) *Admin {
	return &Admin{stub: verifydv1.NewAdminServiceClient(conn), token: adminToken}
}

// Close closes the connection if DialAdmin opened it.
func (a *Admin) Close() error {
	if a.conn == nil {
		return nil
	}
	return a.conn.Close()
}

// Stub returns the generated AdminService client.
func (a *Admin) Stub() verifydv1.AdminServiceClient { return a.stub }

// Context adds the admin token to ctx.
func (a *Admin) Context(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+a.token)
}

// ListSandboxMessages returns what the sandbox "delivered", codes included, oldest first.
func (a *Admin) ListSandboxMessages(ctx context.Context, req *verifydv1.ListSandboxMessagesRequest) ([]*verifydv1.SandboxMessage, error) {
	resp, err := a.stub.ListSandboxMessages(a.Context(ctx), req)
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetMessages(), nil
}

// WaitForCode polls the sandbox outbox until a message of the verification arrives and
// returns its code. Bound it with ctx's deadline.
func (a *Admin) WaitForCode(ctx context.Context, verificationID string) (string, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		msgs, err := a.ListSandboxMessages(ctx, &verifydv1.ListSandboxMessagesRequest{VerificationId: verificationID})
		if err != nil {
			return "", err
		}
		if len(msgs) > 0 {
			return msgs[len(msgs)-1].GetCode(), nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("verifyd: no sandbox message for verification %s: %w", verificationID, ctx.Err())
		case <-tick.C:
		}
	}
}

// AdvanceClock moves a `--clock manual` server's clock forward and returns the new time.
func (a *Admin) AdvanceClock(ctx context.Context, seconds uint32) (time.Time, error) {
	resp, err := a.stub.AdvanceClock(a.Context(ctx), &verifydv1.AdvanceClockRequest{Seconds: seconds})
	if err != nil {
		return time.Time{}, wrap(err)
	}
	return resp.GetNow().AsTime(), nil
}
