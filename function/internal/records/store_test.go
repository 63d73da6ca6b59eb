package records

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// spy is a Driver that remembers what it was asked and answers from its
// fields.
type spy struct {
	puts    []Record
	selects []selectCall
	deletes []time.Time
	settles []Verdict
	rs      []Record // what Select answers
	busy    bool     // Admit answers ErrBusy
	usage   Usage    // what Admit counts
}

type selectCall struct {
	User  string
	After *Position
	N     int
}

func (s *spy) Put(_ context.Context, r Record) error {
	s.puts = append(s.puts, r)
	return nil
}

func (s *spy) Get(context.Context, string, string) (Record, error) { return Record{}, ErrNotFound }

func (s *spy) Delete(_ context.Context, _, _ string, at time.Time) (Record, error) {
	s.deletes = append(s.deletes, at)
	return Record{}, nil
}

func (s *spy) Select(_ context.Context, user string, _ Query, after *Position, n int) ([]Record, error) {
	s.selects = append(s.selects, selectCall{user, after, n})
	return s.rs[:min(n, len(s.rs))], nil
}

func (s *spy) Admit(_ context.Context, _ AdmitRequest, decide func(Usage) Decision) (Decision, error) {
	d := decide(s.usage)
	if s.busy {
		return d, ErrBusy
	}
	return d, nil
}

func (s *spy) Usage(context.Context, AdmitRequest) (Usage, error) { return s.usage, nil }

func (s *spy) Release(context.Context, string, string, string) error { return nil }

func (s *spy) Settle(_ context.Context, _, _ string, v Verdict) (Record, error) {
	s.settles = append(s.settles, v)
	return Record{}, nil
}

func (s *spy) Pending(context.Context, time.Time, *Position, int) ([]Record, error) { return nil, nil }

// TestStoreChecksBeforeTheDriver: what the Store refuses never reaches the
// driver.
func TestStoreChecksBeforeTheDriver(t *testing.T) {
	d := &spy{}
	s := NewStore(d)
	ctx := context.Background()
	if err := s.Put(ctx, Record{Key: "k"}); err == nil {
		t.Error("Put of a record without an ID: got nil, want an error")
	}
	for _, q := range []Query{{Limit: 0}, {Limit: -1}, {Limit: 10, Cursor: "garbage"}, {Limit: 10, Cursor: encodeCursor("bob", "1:x")}} {
		if _, err := s.List(ctx, "alice", q); err == nil {
			t.Errorf("List(%+v): got nil, want an error", q)
		}
	}
	if _, err := s.List(ctx, "alice", Query{Limit: 10, Cursor: "garbage"}); !errors.Is(err, ErrBadCursor) {
		t.Errorf("List with a bad cursor: got %v, want ErrBadCursor", err)
	}
	if len(d.puts) != 0 {
		t.Errorf("the driver got Puts %+v, want none", d.puts)
	}
	if len(d.selects) != 0 {
		t.Errorf("the driver got Selects %+v, want none", d.selects)
	}
}

// TestStorePages: the Store decodes the cursor for the driver, asks one
// record more than a page, and makes the next cursor from the last one
// shown.
func TestStorePages(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	d := &spy{rs: []Record{{ID: "c", UploadedAt: t0.Add(2)}, {ID: "b", UploadedAt: t0.Add(1)}, {ID: "a", UploadedAt: t0}}}
	s := NewStore(d)
	p, err := s.List(context.Background(), "alice", Query{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Record{d.rs[0], d.rs[1]}, p.Records); d != "" {
		t.Errorf("page (-want +got):\n%s", d)
	}
	if _, err := s.List(context.Background(), "alice", Query{Limit: 1, Cursor: p.Next}); err != nil {
		t.Fatal(err)
	}
	want := []selectCall{{"alice", nil, 3}, {"alice", &Position{At: t0.Add(1).UnixNano(), ID: "b"}, 2}}
	if diff := cmp.Diff(want, d.selects); diff != "" {
		t.Errorf("Select calls (-want +got):\n%s", diff)
	}
}

// TestStoreDecides: the Store's decision is Decide's, a busy driver's is
// Busy, and Delete's time reaches the driver in UTC.
func TestStoreDecides(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	req := AdmitRequest{User: "alice", Profile: "p", At: at, Claims: []Claim{{Key: "k", Size: 10}},
		Limits: Limits{Files: 1, PeriodStart: at.Add(-time.Hour), PeriodEnd: at.Add(time.Hour)}}
	u := Usage{Files: 1, Bytes: 5}
	tests := []struct {
		name string
		busy bool
		want Decision
	}{
		{"decided", false, Decide(req, u)},
		{"busy", true, Busy(at, u)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewStore(&spy{usage: u, busy: tt.busy}).Admit(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Admit (-want +got):\n%s", d)
			}
		})
	}
	d := &spy{}
	local := time.Date(2026, 11, 25, 21, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))
	if _, err := NewStore(d).Delete(context.Background(), "alice", "id", local); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Time{local.UTC()}, d.deletes); diff != "" {
		t.Fatalf("Delete's time at the driver (-want +got):\n%s", diff)
	}
	if loc := d.deletes[0].Location(); loc != time.UTC {
		t.Errorf("Delete's time at the driver: got location %v, want UTC", loc)
	}
}
