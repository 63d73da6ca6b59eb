package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/internal/records"
)

func testPutGet(t *testing.T, s records.Store) {
	want := Sample("alice", 1)
	want.Status, want.Reason, want.QuarantineKey = records.StatusQuarantined, "declared image/png, found text/plain", layout.QuarantineKey(want.Key)
	mustPut(t, s, want)
	got, err := s.Get(ctx(t), want.Uploader, want.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", d)
	}
}

func testGetMissing(t *testing.T, s records.Store) {
	_, err := s.Get(ctx(t), "alice", "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Get(missing): got %v, want an error wrapping ErrNotFound", err)
	}
}

func testPutIdempotent(t *testing.T, s records.Store) {
	first := Sample("alice", 1)
	second := first
	second.RecordedAt = first.RecordedAt.Add(time.Minute)
	second.Status = records.StatusQuarantined
	mustPut(t, s, first, second, first)
	got, err := s.Get(ctx(t), "alice", first.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := cmp.Diff(first, got); d != "" {
		t.Errorf("after three Puts of one ID, want the first (-want +got):\n%s", d)
	}
	p, err := s.List(ctx(t), "alice", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(p.Records) != 1 {
		t.Errorf("List: got %d records, want 1", len(p.Records))
	}
}

// testConcurrentPuts races Puts of one ID that differ in every field but
// the ID, as concurrent deliveries of one event (or of two uploads of the
// same bytes to the same key) do: one record must come out, the same in Get
// and List.
func testConcurrentPuts(t *testing.T, s records.Store) {
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		r := Sample("gina", 1)
		r.UploadedAt = r.UploadedAt.Add(time.Duration(i) * time.Second)
		r.RecordedAt = r.RecordedAt.Add(time.Duration(i) * time.Minute)
		go func() { errs <- s.Put(ctx(t), r) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Put: %v", err)
		}
	}
	got, err := s.Get(ctx(t), "gina", Sample("gina", 1).ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	p, err := s.List(ctx(t), "gina", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(p.Records) != 1 {
		t.Fatalf("List: got %d records, want 1", len(p.Records))
	}
	if d := cmp.Diff(got, p.Records[0]); d != "" {
		t.Errorf("Get and List disagree (-get +list):\n%s", d)
	}
}

func testGetOwnersOnly(t *testing.T, s records.Store) {
	r := Sample("ivan", 1)
	mustPut(t, s, r)
	if _, err := s.Get(ctx(t), "ivan2", r.ID); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Get(another user, id): got %v, want ErrNotFound", err)
	}
	if _, err := s.Delete(ctx(t), "ivan2", r.ID, base); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Delete(another user, id): got %v, want ErrNotFound", err)
	}
	got, err := s.Get(ctx(t), "ivan", r.ID)
	if err != nil {
		t.Fatalf("Get(owner) after another user's Delete: %v", err)
	}
	if d := cmp.Diff(r, got); d != "" {
		t.Errorf("Get(owner) after another user's Delete, want the record unchanged (-want +got):\n%s", d)
	}
}
