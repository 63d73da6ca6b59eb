package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/records"
)

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

// checkIDs wants user's listing q (every page) to be exactly want.
func checkIDs(t *testing.T, s records.Store, user string, q records.Query, want ...string) {
	t.Helper()
	var got []string
	for range 20 {
		p, err := s.List(ctx(t), user, q)
		if err != nil {
			t.Fatalf("List(%q, %+v): %v", user, q, err)
		}
		got = append(got, ids(p.Records)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if d := cmp.Diff(want, got); d != "" {
		q.Cursor = ""
		t.Errorf("List(%q, %+v) (-want +got):\n%s", user, q, d)
	}
}

func testListFilters(t *testing.T, s records.Store) {
	a, b, c, d := Sample("lena", 1), Sample("lena", 2), Sample("lena", 3), Sample("lena", 4)
	b.Profile = "document"
	c.Status = records.StatusQuarantined
	mustPut(t, s, a, b, c, d)
	if _, err := s.Delete(ctx(t), "lena", d.ID, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    records.Query
		want []string
	}{
		{"default: all but deleted", records.Query{}, []string{c.ID, b.ID, a.ID}},
		{"profile", records.Query{Profile: "document"}, []string{b.ID}},
		{"profile none", records.Query{Profile: "video"}, nil},
		{"status ok", records.Query{Status: records.StatusOK}, []string{b.ID, a.ID}},
		{"status quarantined", records.Query{Status: records.StatusQuarantined}, []string{c.ID}},
		{"status deleted", records.Query{Status: records.StatusDeleted}, []string{d.ID}},
		{"since", records.Query{Since: b.UploadedAt}, []string{c.ID, b.ID}},
		{"since and profile", records.Query{Since: b.UploadedAt, Profile: "avatar"}, []string{c.ID}},
		{"since later", records.Query{Since: base.Add(time.Hour)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 10
			checkIDs(t, s, "lena", tt.q, tt.want...)
		})
	}
}

// testListFilteredPages pages a filtered listing one record at a time.
func testListFilteredPages(t *testing.T, s records.Store) {
	var want []string
	for n := 9; n >= 1; n-- {
		r := Sample("mona", n)
		if n%3 == 0 {
			r.Profile = "document"
		}
		mustPut(t, s, r)
		if n%3 != 0 && n > 2 {
			want = append(want, r.ID)
		}
	}
	checkIDs(t, s, "mona", records.Query{Limit: 1, Profile: "avatar", Since: Sample("mona", 3).UploadedAt}, want...)
}
