// Package invocation carries what the runtime says about one function
// invocation (its request id and the execution role's credentials) in a
// context. The FC adapter (function/internal/fcadapter) puts it there; the
// handlers read it from there and nowhere else.
package invocation

import (
	"context"
	"time"

	"github.com/ossgate/ossgate/signer"
)

// Info is what the runtime says about one invocation.
type Info struct {
	// RequestID is the runtime's id of the invocation; empty when unknown.
	RequestID string
	// Credentials are the execution role's STS credentials for this
	// invocation; zero when the runtime gave none. Never log them.
	Credentials signer.Credentials
}

type ctxKey struct{}

// NewContext returns a copy of ctx carrying info.
func NewContext(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// FromContext returns the Info NewContext put into ctx, or the zero Info.
func FromContext(ctx context.Context) Info {
	info, _ := ctx.Value(ctxKey{}).(Info)
	return info
}

// NearDeadline reports whether ctx is done or its deadline (the
// invocation's timeout) is less than margin away: the moment for a
// long-running maintenance pass to stop starting work it may not finish.
func NearDeadline(ctx context.Context, margin time.Duration) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < margin
}
