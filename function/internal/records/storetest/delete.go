package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/records"
)

func testDelete(t *testing.T, s records.Store) {
	r, other := Sample("jane", 1), Sample("jane", 2)
	mustPut(t, s, r, other)
	at := base.Add(2 * time.Hour)
	got, err := s.Delete(ctx(t), "jane", r.ID, at)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want := r
	want.Status, want.DeletedAt = records.StatusDeleted, at
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Delete's record (-want +got):\n%s", d)
	}
	got, err = s.Get(ctx(t), "jane", r.ID)
	if err != nil {
		t.Fatalf("Get after Delete: %v", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Get after Delete (-want +got):\n%s", d)
	}
	if _, err := s.Delete(ctx(t), "jane", r.ID, at); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("second Delete: got %v, want ErrNotFound", err)
	}
	if _, err := s.Delete(ctx(t), "jane", "0123456789abcdef0123456789abcdef", at); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Delete(missing): got %v, want ErrNotFound", err)
	}
	mustPut(t, s, r) // a late duplicate of its event changes nothing
	checkIDs(t, s, "jane", records.Query{Limit: 10}, other.ID)
	checkIDs(t, s, "jane", records.Query{Limit: 10, Status: records.StatusDeleted}, r.ID)
}

// testConcurrentDeletes races Deletes of one record: exactly one wins.
func testConcurrentDeletes(t *testing.T, s records.Store) {
	r := Sample("kim", 1)
	mustPut(t, s, r)
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.Delete(ctx(t), "kim", r.ID, base.Add(time.Duration(i)*time.Second))
			errs <- err
		}()
	}
	ok := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case !errors.Is(err, records.ErrNotFound):
			t.Errorf("Delete: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("concurrent Deletes of one record: %d succeeded, want exactly 1", ok)
	}
}
