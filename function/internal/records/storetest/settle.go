package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/records"
)

// PendingSample is Sample(user, n) waiting for a verdict of provider.
func PendingSample(user string, n int, provider string) records.Record {
	r := Sample(user, n)
	r.Status, r.Moderation = records.StatusPending, &records.Moderation{Provider: provider}
	return r
}

// testSettle: a pending record takes one verdict, the first; every later
// one, and one of a record that was never pending, is ErrNotPending.
func testSettle(t *testing.T, s records.Store) {
	ok, rej, plain := PendingSample("jane", 1, "aliyun"), PendingSample("jane", 2, "wechat"), Sample("jane", 3)
	mustPut(t, s, ok, rej, plain)
	checkIDs(t, s, "jane", records.Query{Limit: 10, Status: records.StatusPending}, rej.ID, ok.ID)
	at := base.Add(2 * time.Hour)
	labels := []records.Label{{Label: "porn", Confidence: 97.5}, {Label: "sexy", Confidence: 40}}
	tests := []struct {
		name string
		r    records.Record
		v    records.Verdict
	}{
		{"ok", ok, records.Verdict{Status: records.StatusOK, TraceID: "req-1", By: records.DecidedByProvider, At: at}},
		{"rejected", rej, records.Verdict{Status: records.StatusRejected, Reason: "moderation: porn", QuarantineKey: "quarantine/x",
			Labels: labels, TraceID: "trace-1", By: records.DecidedByProvider, At: at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.v.Apply(tt.r)
			got, err := s.Settle(ctx(t), "jane", tt.r.ID, tt.v)
			if err != nil {
				t.Fatalf("Settle: %v", err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Settle's record (-want +got):\n%s", d)
			}
			if got, err = s.Get(ctx(t), "jane", tt.r.ID); err != nil {
				t.Fatalf("Get after Settle: %v", err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Get after Settle (-want +got):\n%s", d)
			}
			again := tt.v
			again.Status = records.StatusRejected
			if _, err := s.Settle(ctx(t), "jane", tt.r.ID, again); !errors.Is(err, records.ErrNotPending) {
				t.Errorf("second Settle: got %v, want ErrNotPending", err)
			}
			mustPut(t, s, tt.r) // a late duplicate of its event changes nothing
			if got, _ := s.Get(ctx(t), "jane", tt.r.ID); got.Status != want.Status {
				t.Errorf("after a duplicate Put: status %q, want %q", got.Status, want.Status)
			}
		})
	}
	v := records.Verdict{Status: records.StatusOK, By: records.DecidedByProvider, At: at}
	if _, err := s.Settle(ctx(t), "jane", plain.ID, v); !errors.Is(err, records.ErrNotPending) {
		t.Errorf("Settle of an ok record: got %v, want ErrNotPending", err)
	}
	if _, err := s.Settle(ctx(t), "john", ok.ID, v); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Settle of another user's record: got %v, want ErrNotFound", err)
	}
	if _, err := s.Settle(ctx(t), "jane", "0123456789abcdef0123456789abcdef", v); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Settle of a missing record: got %v, want ErrNotFound", err)
	}
	checkIDs(t, s, "jane", records.Query{Limit: 10, Status: records.StatusPending})
	checkIDs(t, s, "jane", records.Query{Limit: 10, Status: records.StatusRejected}, rej.ID)
	checkIDs(t, s, "jane", records.Query{Limit: 10, Status: records.StatusOK}, plain.ID, ok.ID)
}

// testSettleDeleted: a pending record its owner deleted takes no verdict.
func testSettleDeleted(t *testing.T, s records.Store) {
	r := PendingSample("kim", 1, "webhook")
	mustPut(t, s, r)
	if _, err := s.Delete(ctx(t), "kim", r.ID, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	v := records.Verdict{Status: records.StatusOK, By: records.DecidedByProvider, At: base.Add(2 * time.Hour)}
	if _, err := s.Settle(ctx(t), "kim", r.ID, v); !errors.Is(err, records.ErrNotPending) {
		t.Errorf("Settle of a deleted record: got %v, want ErrNotPending", err)
	}
	if got, _ := s.Get(ctx(t), "kim", r.ID); got.Status != records.StatusDeleted {
		t.Errorf("status %q after the Settle, want %q", got.Status, records.StatusDeleted)
	}
}

// testConcurrentSettles races verdicts of one record: exactly one wins,
// and the record is the winner's.
func testConcurrentSettles(t *testing.T, s records.Store) {
	r := PendingSample("kim", 1, "aliyun")
	mustPut(t, s, r)
	const n = 6
	type result struct {
		r   records.Record
		err error
	}
	results := make(chan result, n)
	for i := range n {
		go func() {
			st := records.StatusOK
			if i%2 == 1 {
				st = records.StatusRejected
			}
			v := records.Verdict{Status: st, By: records.DecidedByProvider, At: base.Add(time.Duration(i) * time.Second)}
			got, err := s.Settle(ctx(t), "kim", r.ID, v)
			results <- result{got, err}
		}()
	}
	var won []records.Record
	for range n {
		switch res := <-results; {
		case res.err == nil:
			won = append(won, res.r)
		case !errors.Is(res.err, records.ErrNotPending):
			t.Errorf("Settle: %v", res.err)
		}
	}
	if len(won) != 1 {
		t.Fatalf("concurrent Settles of one record: %d succeeded, want exactly 1", len(won))
	}
	got, err := s.Get(ctx(t), "kim", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(won[0], got); d != "" {
		t.Errorf("stored record is not the winner's (-winner +stored):\n%s", d)
	}
}

// testPending: Pending lists every user's pending records uploaded before
// the cutoff, oldest first, in pages, and forgets the settled ones.
func testPending(t *testing.T, s records.Store) {
	a1, b2, a3, a4 := PendingSample("ann", 1, "aliyun"), PendingSample("bob/x y", 2, "wechat"), PendingSample("ann", 3, "aliyun"), PendingSample("ann", 4, "aliyun")
	mustPut(t, s, a4, Sample("ann", 5), a1, b2, a3)
	cut := base.Add(4 * time.Second) // a4 was uploaded at the cutoff: not before it
	pending := func(after *records.Position, n int) []string {
		t.Helper()
		rs, err := s.Pending(ctx(t), cut, after, n)
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		return ids(rs)
	}
	if d := cmp.Diff([]string{a1.ID, b2.ID, a3.ID}, pending(nil, 10)); d != "" {
		t.Errorf("Pending (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{a1.ID, b2.ID}, pending(nil, 2)); d != "" {
		t.Errorf("Pending n=2 (-want +got):\n%s", d)
	}
	pos := records.PositionOf(b2)
	if d := cmp.Diff([]string{a3.ID}, pending(&pos, 2)); d != "" {
		t.Errorf("Pending after b2 (-want +got):\n%s", d)
	}
	v := records.Verdict{Status: records.StatusRejected, By: records.DecidedByTimeout, At: base.Add(time.Hour)}
	if _, err := s.Settle(ctx(t), "bob/x y", b2.ID, v); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx(t), "ann", a1.ID, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{a3.ID}, pending(nil, 10)); d != "" {
		t.Errorf("Pending after a Settle and a Delete (-want +got):\n%s", d)
	}
}
