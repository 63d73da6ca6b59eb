package storetest

import (
	"errors"
	"testing"

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
