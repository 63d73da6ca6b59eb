package records

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	c := encodeCursor("records/alice/", "token 1")
	if got, err := decodeCursor(c, "records/alice/"); err != nil || got != "token 1" {
		t.Errorf("decodeCursor: got %q, %v; want the position back", got, err)
	}
	if got, err := decodeCursor("", "records/alice/"); err != nil || got != "" {
		t.Errorf("decodeCursor(empty): got %q, %v; want the first page", got, err)
	}
	for _, bad := range []string{c + "x", "garbage", "e30", encodeCursor("records/bob/", "token 1"), encodeCursor("records/alice/", "")} {
		if _, err := decodeCursor(bad, "records/alice/"); !errors.Is(err, ErrBadCursor) {
			t.Errorf("decodeCursor(%q): got %v, want ErrBadCursor", bad, err)
		}
	}
}

func TestBefore(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	ordered := []Record{
		{ID: "b", UploadedAt: t0.Add(time.Nanosecond)},
		{ID: "a", UploadedAt: t0},
		{ID: "b", UploadedAt: t0},
		{ID: "a", UploadedAt: time.Unix(-5, 0)},
		{ID: "c", UploadedAt: time.Unix(0, 0)},
	}
	for i := range ordered {
		for j := range ordered {
			if got, want := Before(ordered[i], ordered[j]), i < j; got != want {
				t.Errorf("Before(%d, %d): got %v, want %v", i, j, got, want)
			}
		}
	}
}

func TestID(t *testing.T) {
	if ID("b", "k") == ID("b", "k2") || ID("b", "k") == ID("b2", "k") || ID("b\nk", "") == ID("b", "k") || len(ID("b", "k")) != 32 {
		t.Error("ID: want 32 hex digits, one per bucket and key")
	}
}
