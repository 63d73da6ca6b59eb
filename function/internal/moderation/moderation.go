// Package moderation is what the record function asks of a content
// moderation provider: one Check per upload whose profile moderates. The
// providers live in its subpackages (aliyun, wechat, webhook); the record
// package turns their answers into verdicts (records.Verdict).
package moderation

import (
	"context"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Result is a provider's answer to one Check.
type Result struct {
	// Decided is false when the verdict comes later (WeChat pushes it to
	// the sign function); the record stays pending.
	Decided  bool
	Rejected bool
	Labels   []records.Label
	// TraceID is the provider's reference to the check, kept with the
	// record: Content Moderation's RequestId, WeChat's trace_id.
	TraceID string
}

// Provider checks the content of one pending record.
type Provider interface {
	// Check asks for the verdict on r's object under the profile's
	// moderation m. An error is worth a retry (the record stays pending
	// and the event is redelivered).
	Check(ctx context.Context, r records.Record, m config.Moderation) (Result, error)
}

// ProviderFunc is a Provider of a function.
type ProviderFunc func(ctx context.Context, r records.Record, m config.Moderation) (Result, error)

// Check implements Provider.
func (f ProviderFunc) Check(ctx context.Context, r records.Record, m config.Moderation) (Result, error) {
	return f(ctx, r, m)
}

// Verdict returns the verdict of a decided result at at.
func (res Result) Verdict(at time.Time) records.Verdict {
	v := records.Verdict{Status: records.StatusOK, Labels: res.Labels, TraceID: res.TraceID, By: records.DecidedByProvider, At: at}
	if res.Rejected {
		v.Status, v.Reason = records.StatusRejected, Reason(res.Labels)
	}
	return v
}

// Reason is the reason of a rejected record with labels.
func Reason(labels []records.Label) string {
	if len(labels) == 0 {
		return "moderation: rejected"
	}
	names := make([]string, len(labels))
	for i, l := range labels {
		names[i] = l.Label
	}
	return "moderation: " + strings.Join(names, ", ")
}
