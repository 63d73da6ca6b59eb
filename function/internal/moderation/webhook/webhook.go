// Package webhook is the moderation provider of the app's own service: a
// POST of {"id", "type": "upload.moderate", "createdAt", "record"}, signed
// as every ossgate webhook is (Ossgate-Signature), answered with
// {"verdict": "ok" | "rejected", "labels": [...]} where a label is a
// string or {"label", "confidence"}.
package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
	hook "github.com/ossgate/ossgate/function/internal/webhook"
)

// TypeModerate is the type of a moderation request.
const TypeModerate = "upload.moderate"

// Provider asks the app.
type Provider struct{ s *hook.Sender }

// New returns the provider posting with s.
func New(s *hook.Sender) *Provider { return &Provider{s: s} }

// Answer is the app's answer.
type Answer struct {
	Verdict string  `json:"verdict"`
	Labels  []Label `json:"labels"`
}

// Label is a string label or {"label", "confidence"}.
type Label records.Label

// UnmarshalJSON takes either form.
func (l *Label) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = Label{Label: s}
		return nil
	}
	var r records.Label
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("a label is a string or {\"label\", \"confidence\"}: %w", err)
	}
	*l = Label(r)
	return nil
}

// Check implements moderation.Provider.
func (p *Provider) Check(ctx context.Context, r records.Record, _ config.Moderation) (moderation.Result, error) {
	req := hook.Event{ID: hook.EventID(r.ID, TypeModerate), Type: TypeModerate, CreatedAt: r.RecordedAt.UTC(), Record: r}
	if req.CreatedAt.IsZero() {
		req.CreatedAt = time.Now().UTC()
	}
	var a Answer
	if err := p.s.Post(ctx, req, &a); err != nil {
		return moderation.Result{}, fmt.Errorf("moderation webhook: %w", err)
	}
	res := moderation.Result{Decided: true, TraceID: req.ID}
	switch a.Verdict {
	case "ok":
	case "rejected":
		res.Rejected = true
	default:
		return moderation.Result{}, fmt.Errorf("moderation webhook: verdict %q, want ok or rejected", a.Verdict)
	}
	for _, l := range a.Labels {
		res.Labels = append(res.Labels, records.Label(l))
	}
	return res, nil
}
