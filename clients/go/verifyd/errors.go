package verifyd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// FieldViolation is one entry of a google.rpc.BadRequest.
type FieldViolation struct {
	// Field is the path of the bad field, for example "routing_strategy[2].timeout_sec".
	Field string
	// Description says what is wrong, for people.
	Description string
	// Reason is the violation's machine-readable reason, if the server set one.
	Reason string
}

// Error is a failed verifyd call: the gRPC status and its AIP-193 details.
type Error struct {
	// Code is the gRPC status code.
	Code codes.Code
	// Message is the status message, for people.
	Message string
	// Reason is ErrorInfo.reason, for example "VALIDATION_FAILED"; empty if none was sent.
	Reason string
	// Domain is ErrorInfo.domain ("verifyd").
	Domain string
	// Metadata is ErrorInfo.metadata.
	Metadata map[string]string
	// FieldViolations are the BadRequest field violations, in order.
	FieldViolations []FieldViolation
	// RetryDelay is RetryInfo.retry_delay; zero if the server sent none.
	RetryDelay time.Duration

	status *status.Status
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verifyd: %s: %s", e.Code, e.Message)
	if e.Reason != "" {
		fmt.Fprintf(&b, " [%s]", e.Reason)
	}
	for i, v := range e.FieldViolations {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", v.Field, v.Description)
		if i == len(e.FieldViolations)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// GRPCStatus returns the full status, so that status.FromError and status.Code work on it.
func (e *Error) GRPCStatus() *status.Status { return e.status }

// Fields returns the field path of every violation.
func (e *Error) Fields() []string {
	out := make([]string, len(e.FieldViolations))
	for i, v := range e.FieldViolations {
		out[i] = v.Field
	}
	return out
}

// AsError finds an *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// FromError turns any error of a gRPC call into an *Error, parsing the
// google.rpc.Status details the server put in the grpc-status-details-bin trailer.
// It returns nil for a nil error.
func FromError(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := AsError(err); ok {
		return e
	}
	st, _ := status.FromError(err) // Unknown with err's text when err is not a status
	e := &Error{Code: st.Code(), Message: st.Message(), status: st}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if e.Reason == "" && e.Domain == "" {
				e.Reason, e.Domain, e.Metadata = d.GetReason(), d.GetDomain(), d.GetMetadata()
			}
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations, FieldViolation{
					Field: v.GetField(), Description: v.GetDescription(), Reason: v.GetReason(),
				})
			}
		case *errdetails.RetryInfo:
			e.RetryDelay = d.GetRetryDelay().AsDuration()
		}
	}
	return e
}

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return FromError(err)
}
