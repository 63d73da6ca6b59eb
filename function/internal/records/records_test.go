package records

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	c := encodeCursor("records/alice/", "token 1")
	for cursor, want := range map[string]string{c: "token 1", "": ""} {
		got, err := decodeCursor(cursor, "records/alice/")
		if err != nil {
			t.Errorf("decodeCursor(%q): %v", cursor, err)
		}
		if got != want {
			t.Errorf("decodeCursor(%q): got %q, want %q", cursor, got, want)
		}
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

// TestID pins the record ID, a storage key (the SQL primary key, the OSS
// store's object names): changing it orphans every stored record. The
// expected values are the first 32 hex digits of
// printf '<bucket>\n<key>' | sha256sum.
func TestID(t *testing.T) {
	tests := []struct{ bucket, key, want string }{
		{"examplebucket", "uploads/avatar/alice/2026/11/25/Zx3kQ9.png", "f76b7174ef94dbad7ee4d481acda6bdb"},
		{"b", "k", "1c2a35c609fdd46ae6cbd1e1246e357c"},
	}
	for _, tt := range tests {
		if got := ID(tt.bucket, tt.key); got != tt.want {
			t.Errorf("ID(%q, %q): got %s, want %s", tt.bucket, tt.key, got, tt.want)
		}
	}
	// The separator keeps bucket and key apart: no two pairs share an ID.
	for _, other := range [][2]string{{"b\nk", ""}, {"b", "k2"}, {"b2", "k"}} {
		if ID(other[0], other[1]) == ID("b", "k") {
			t.Errorf("ID(%q, %q) = ID(b, k)", other[0], other[1])
		}
	}
}

func TestOwnerDeletesObject(t *testing.T) {
	tests := []struct {
		name string
		r    Record
		want bool
	}{
		{"ok", Record{Status: StatusOK}, true},
		{"quarantined, moved", Record{Status: StatusQuarantined, QuarantineKey: "quarantine/uploads/a.png"}, false},
		{"quarantined, tagged in place", Record{Status: StatusQuarantined}, false},
	}
	for _, tt := range tests {
		if got := tt.r.OwnerDeletesObject(); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
