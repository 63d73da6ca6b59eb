package records

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Moderation is what a record keeps of its moderation: the provider asked,
// the provider's reference to the check (WeChat's trace_id, Content
// Moderation's request id) and, once settled, the verdict.
type Moderation struct {
	Provider string `json:"provider"`
	TraceID  string `json:"traceId,omitempty"`
	// Labels are the provider's findings (empty for a clean upload).
	Labels []Label `json:"labels,omitempty"`
	// DecidedAt is when the verdict was settled, in UTC; zero while
	// pending.
	DecidedAt time.Time `json:"decidedAt,omitzero"`
	// By is who settled it: DecidedByProvider or DecidedByTimeout.
	By string `json:"by,omitempty"`
}

// Who settles a verdict.
const (
	DecidedByProvider = "provider" // the moderation provider's answer
	DecidedByTimeout  = "timeout"  // the profile's rule, when no answer came in time
)

// Label is one finding of a moderation provider: its label (e.g. "porn",
// "violence") and its confidence from 0 to 100 (0 when the provider gives
// none).
type Label struct {
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence,omitempty"`
}

// Verdict settles a StatusPending record (Store.Settle).
type Verdict struct {
	// Status is StatusOK or StatusRejected.
	Status string
	// Reason is why a rejected record was rejected; QuarantineKey where
	// its object is moved ("" in tag mode).
	Reason        string
	QuarantineKey string
	Labels        []Label
	TraceID       string // kept when not empty
	By            string // DecidedByProvider or DecidedByTimeout
	At            time.Time
}

// ErrNotPending is wrapped by Settle errors for a record that is not
// pending (any more): of two verdicts of one record, the first wins.
var ErrNotPending = errors.New("records: not pending")

// check returns an error for a verdict no store may apply.
func (v Verdict) check() error {
	switch {
	case v.Status != StatusOK && v.Status != StatusRejected:
		return fmt.Errorf("verdict status %q, want %s or %s", v.Status, StatusOK, StatusRejected)
	case v.By != DecidedByProvider && v.By != DecidedByTimeout:
		return fmt.Errorf("verdict by %q, want %s or %s", v.By, DecidedByProvider, DecidedByTimeout)
	case v.At.IsZero():
		return errors.New("verdict without a time")
	}
	return nil
}

// Apply returns r settled by v: every driver settles a record with it, so
// that they agree on the result. r is not changed.
func (v Verdict) Apply(r Record) Record {
	m := Moderation{}
	if r.Moderation != nil {
		m = *r.Moderation
	}
	m.Labels, m.DecidedAt, m.By = slices.Clone(v.Labels), v.At.UTC(), v.By
	if v.TraceID != "" {
		m.TraceID = v.TraceID
	}
	r.Moderation = &m
	r.Status = v.Status
	if v.Status == StatusRejected {
		r.Reason, r.QuarantineKey = v.Reason, v.QuarantineKey
	}
	return r
}

// PendingAfter reports whether r comes after p in the order Pending lists
// in: oldest upload first (ListTime), then by ID. A nil p is before every
// record.
func PendingAfter(p *Position, r Record) bool {
	if p == nil {
		return true
	}
	t := ListTime(r)
	return t > p.At || t == p.At && r.ID > p.ID
}

// SelectPending is Driver.Pending over rs, records in any order: the
// drivers that hold records in memory share it. It returns a new slice.
func SelectPending(rs []Record, before time.Time, after *Position, n int) []Record {
	var sel []Record
	for _, r := range rs {
		if r.Status == StatusPending && ListTime(r) < before.UnixNano() && PendingAfter(after, r) {
			sel = append(sel, r)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return PendingAfter(ptr(PositionOf(sel[i])), sel[j]) })
	return sel[:min(n, len(sel))]
}

func ptr[T any](v T) *T { return &v }
