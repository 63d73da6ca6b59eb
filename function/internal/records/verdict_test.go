package records

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSettleChecksTheVerdict: a verdict no store may apply never reaches
// the driver, and a valid one reaches it with its time in UTC.
func TestSettleChecksTheVerdict(t *testing.T) {
	at := time.Date(2026, 11, 25, 21, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))
	tests := []struct {
		name string
		v    Verdict
		ok   bool
	}{
		{"ok", Verdict{Status: StatusOK, By: DecidedByProvider, At: at}, true},
		{"rejected by timeout", Verdict{Status: StatusRejected, By: DecidedByTimeout, At: at}, true},
		{"pending", Verdict{Status: StatusPending, By: DecidedByProvider, At: at}, false},
		{"quarantined", Verdict{Status: StatusQuarantined, By: DecidedByProvider, At: at}, false},
		{"no by", Verdict{Status: StatusOK, At: at}, false},
		{"no time", Verdict{Status: StatusOK, By: DecidedByProvider}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &spy{}
			_, err := NewStore(d).Settle(context.Background(), "alice", "id", tt.v)
			if (err == nil) != tt.ok {
				t.Fatalf("Settle(%+v): got %v, want ok=%v", tt.v, err, tt.ok)
			}
			if !tt.ok {
				if len(d.settles) != 0 {
					t.Errorf("the driver got %+v, want nothing", d.settles)
				}
				return
			}
			if len(d.settles) != 1 || d.settles[0].At.Location() != time.UTC || !d.settles[0].At.Equal(at) {
				t.Errorf("the driver got %+v, want one verdict at %v in UTC", d.settles, at)
			}
		})
	}
	if _, err := NewStore(&spy{}).Pending(context.Background(), at, nil, 0); err == nil {
		t.Error("Pending(n=0): got nil, want an error")
	}
}

// TestVerdictApply: a rejection takes its reason and quarantine key, an
// acceptance keeps the record's, and the provider's trace id stays.
func TestVerdictApply(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	pending := Record{ID: "x", Status: StatusPending, Moderation: &Moderation{Provider: "wechat", TraceID: "t1"}}
	labels := []Label{{Label: "porn", Confidence: 99.5}}
	tests := []struct {
		name string
		v    Verdict
		want Record
	}{
		{"rejected", Verdict{Status: StatusRejected, Reason: "moderation: porn", QuarantineKey: "q/k", Labels: labels, By: DecidedByProvider, At: at},
			Record{ID: "x", Status: StatusRejected, Reason: "moderation: porn", QuarantineKey: "q/k",
				Moderation: &Moderation{Provider: "wechat", TraceID: "t1", Labels: labels, DecidedAt: at, By: DecidedByProvider}}},
		{"ok", Verdict{Status: StatusOK, Reason: "ignored", QuarantineKey: "ignored", By: DecidedByTimeout, At: at},
			Record{ID: "x", Status: StatusOK, Moderation: &Moderation{Provider: "wechat", TraceID: "t1", DecidedAt: at, By: DecidedByTimeout}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, tt.v.Apply(pending)); d != "" {
				t.Errorf("Apply (-want +got):\n%s", d)
			}
			if pending.Status != StatusPending || pending.Moderation.DecidedAt != (time.Time{}) {
				t.Errorf("Apply changed its argument: %+v", pending)
			}
		})
	}
}
