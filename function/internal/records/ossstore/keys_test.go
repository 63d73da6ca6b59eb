package ossstore

import (
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/records"
)

var testKeys = Keys{Prefix: "rec"}

// generation is what GenerationOf answers.
type generation struct {
	Gen int64
	OK  bool
}

func TestRecordKey(t *testing.T) {
	rec := testKeys.Record("alice", "0123")
	if want := "rec/alice/r/0123.json"; rec != want {
		t.Errorf("Record(alice, 0123): got %q, want %q", rec, want)
	}
	if id, ok := testKeys.RecordOf("alice", rec); !ok {
		t.Errorf("RecordOf(%q): got none, want 0123", rec)
	} else if id != "0123" {
		t.Errorf("RecordOf(%q): got %q, want 0123", rec, id)
	}
	if _, ok := testKeys.RecordOf("alic", rec); ok {
		t.Errorf("RecordOf(alic, %q): want none", rec)
	}
	if !strings.HasPrefix(rec, testKeys.User("alice")) {
		t.Errorf("Record key %q: want it under alice's prefix %q", rec, testKeys.User("alice"))
	}
	if strings.HasPrefix(rec, testKeys.User("alic")) {
		t.Errorf("Record key %q: under alic's prefix %q too, want alice's only", rec, testKeys.User("alic"))
	}
}

// TestIndexKeysSortNewestFirst checks the order OSS lists a user's
// objects in: index generations newest first, then the records.
func TestIndexKeysSortNewestFirst(t *testing.T) {
	ordered := []string{
		testKeys.Index("u", math.MaxInt64-1),
		testKeys.Index("u", 10),
		testKeys.Index("u", 9),
		testKeys.Index("u", 1),
		testKeys.Record("u", "0000"),
		testKeys.Record("u", "ffff"),
	}
	for i := 1; i < len(ordered); i++ {
		if ordered[i-1] >= ordered[i] {
			t.Errorf("%q sorts after %q, want before", ordered[i-1], ordered[i])
		}
	}
	for _, gen := range []int64{1, 9, 10, math.MaxInt64 - 1} {
		got, ok := testKeys.GenerationOf("u", testKeys.Index("u", gen))
		if d := cmp.Diff(generation{gen, true}, generation{got, ok}); d != "" {
			t.Errorf("GenerationOf(Index(%d)) (-want +got):\n%s", gen, d)
		}
	}
	for _, bad := range []string{testKeys.Record("u", "x"), testKeys.Index("v", 3), "rec/u/g/12.json"} {
		if _, ok := testKeys.GenerationOf("u", bad); ok {
			t.Errorf("GenerationOf(%q): want none", bad)
		}
	}
}

// TestUserSegment checks the user segment: fixed answers, one segment
// without escaping, never "_ids", and injective over users that escape
// alike-looking ids.
func TestUserSegment(t *testing.T) {
	tests := []struct{ user, want string }{
		{"alice", "alice"},
		{"", "_"},
		{"a/b", "a_2Fb"},
		{"_ids", "_5Fids"},
		{"x.y@z", "x_2Ey_40z"},
		{"ü", "_C3_BC"},
		{"..", "_2E_2E"},
	}
	for _, tt := range tests {
		if got := UserSegment(tt.user); got != tt.want {
			t.Errorf("UserSegment(%q): got %q, want %q", tt.user, got, tt.want)
		}
	}
	seen := map[string]string{}
	users := []string{"dave", "dave/x", "dav", "dave_2F", "dave_2Fx", "_", "", "a b", "a_20b", "用户 1", strings.Repeat("x", 200)}
	for c := range 256 {
		users = append(users, string([]byte{byte(c)}))
	}
	for _, u := range users {
		seg := UserSegment(u)
		if other, dup := seen[seg]; dup && other != u {
			t.Errorf("users %q and %q share the segment %q", u, other, seg)
		}
		seen[seg] = u
		if seg == "_ids" || url.PathEscape(seg) != seg || strings.Contains(seg, "/") {
			t.Errorf("UserSegment(%q) = %q: want one segment that needs no escaping, not _ids", u, seg)
		}
	}
}

// TestPendingKeysRoundTrip: a marker key names the record's position and
// its user, whatever bytes the user id holds; other keys name nothing.
func TestPendingKeysRoundTrip(t *testing.T) {
	k := Keys{Prefix: "records"}
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	for _, user := range []string{"", "_", "alice", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "a.b/c d\x00é", "_41"} {
		r := records.Record{ID: "0123456789abcdef0123456789abcdef", Uploader: user, UploadedAt: at}
		pos, got, ok := k.PendingOf(k.Pending(r))
		if !ok || got != user || pos != records.PositionOf(r) {
			t.Errorf("PendingOf(Pending(user %q)) = %v, %q, %v; want %v, %q, true", user, pos, got, ok, records.PositionOf(r), user)
		}
	}
	for _, key := range []string{"records/_pending/1.x.alice", "records/_pending/0000000000000000001..alice",
		"records/_pending/0000000000000000001.x._4", "records/_pending/0000000000000000001.x._4g",
		"records/_pending/0000000000000000001.x._41", "records/alice/r/x.json"} {
		if _, _, ok := k.PendingOf(key); ok {
			t.Errorf("PendingOf(%q): ok, want not a marker", key)
		}
	}
}
