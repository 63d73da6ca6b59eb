package storetest

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ossgate/ossgate/function/internal/records"
)

func testListPaginates(t *testing.T, s records.Store) {
	var want []string
	for n := 7; n >= 1; n-- {
		mustPut(t, s, Sample("carol", n))
		want = append(want, Sample("carol", n).ID)
	}
	var got []string
	cur := ""
	for page := 0; page < 10; page++ {
		p, err := s.List(ctx(t), "carol", records.Query{Cursor: cur, Limit: 3})
		if err != nil {
			t.Fatalf("List page %d: %v", page, err)
		}
		if len(p.Records) > 3 {
			t.Fatalf("List page %d: got %d records, want at most 3", page, len(p.Records))
		}
		got = append(got, ids(p.Records)...)
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("paginated listing (-want +got):\n%s", d)
	}
}

func testListOnlyOwn(t *testing.T, s records.Store) {
	// "dave" and "dave/x" and "dav" must not see each other's records.
	users := []string{"dave", "dave/x", "dav", "dave_2F"}
	for i, u := range users {
		mustPut(t, s, Sample(u, i))
	}
	for i, u := range users {
		p, err := s.List(ctx(t), u, records.Query{Limit: 10})
		if err != nil {
			t.Fatalf("List(%q): %v", u, err)
		}
		want := []string{Sample(u, i).ID}
		if d := cmp.Diff(want, ids(p.Records)); d != "" {
			t.Errorf("List(%q) (-want +got):\n%s", u, d)
		}
	}
}

func testListEmpty(t *testing.T, s records.Store) {
	p, err := s.List(ctx(t), "nobody", records.Query{Limit: 5})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if d := cmp.Diff(records.Page{}, p, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("List(nobody), want an empty page (-want +got):\n%s", d)
	}
}

func testForeignCursor(t *testing.T, s records.Store) {
	for n := 1; n <= 3; n++ {
		mustPut(t, s, Sample("erin", n), Sample("frank", n))
	}
	p, err := s.List(ctx(t), "erin", records.Query{Limit: 1})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if p.Next == "" {
		t.Fatal("List(erin, limit 1): got no cursor, want one")
	}
	for _, cur := range []string{p.Next, "garbage", "e30"} {
		_, err := s.List(ctx(t), "frank", records.Query{Cursor: cur, Limit: 1})
		if !errors.Is(err, records.ErrBadCursor) {
			t.Errorf("List(frank, cursor %q): got %v, want ErrBadCursor", cur, err)
		}
	}
}

func testOddUsers(t *testing.T, s records.Store) {
	for i, u := range []string{"用户 1", "a+b%20c", "_ids", "x.y@z", ""} {
		r := Sample(u, i)
		mustPut(t, s, r)
		p, err := s.List(ctx(t), u, records.Query{Limit: 10})
		if err != nil {
			t.Fatalf("List(%q): %v", u, err)
		}
		if d := cmp.Diff([]string{r.ID}, ids(p.Records)); d != "" {
			t.Errorf("List(%q) (-want +got):\n%s", u, d)
		}
	}
}

func testListNewestFirst(t *testing.T, s records.Store) {
	var want []string
	for _, n := range []int{3, 1, 4, 2} {
		mustPut(t, s, Sample("bob", n))
	}
	for _, n := range []int{4, 3, 2, 1} {
		want = append(want, Sample("bob", n).ID)
	}
	p, err := s.List(ctx(t), "bob", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if d := cmp.Diff(want, ids(p.Records)); d != "" {
		t.Errorf("List order (-want +got):\n%s", d)
	}
	if p.Next != "" {
		t.Errorf("List: got Next %q on the last page, want empty", p.Next)
	}
}

// testListTiesByID lists records uploaded at the same instant by ID, as
// records.Before orders them.
func testListTiesByID(t *testing.T, s records.Store) {
	var rs []records.Record
	for n := range 4 {
		r := Sample("hana", n)
		r.UploadedAt = base
		rs = append(rs, r)
		mustPut(t, s, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	p, err := s.List(ctx(t), "hana", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if d := cmp.Diff(ids(rs), ids(p.Records)); d != "" {
		t.Errorf("List order of one instant (-want +got):\n%s", d)
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
