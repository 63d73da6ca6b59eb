package upload

import (
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

func TestParseUploadKeyRoundTrip(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)
	users := []string{"alice", "bob@example.com", "a/b", "..", ".", "用户", strings.Repeat("x", 65), "~x", ""}
	for _, user := range users {
		for _, ext := range []string{".mp4", ".docx", ""} {
			key := testLayout.UploadKey("video_1", user, day, "00000000-0000-4000-8000-000000000001", ext)
			k, ok := testLayout.ParseUploadKey(key)
			if !ok {
				t.Errorf("ParseUploadKey(%q): not an upload key", key)
				continue
			}
			want := KeyParts{Profile: "video_1", UserSegment: UploadUserSegment(user), Day: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
				ID: "00000000-0000-4000-8000-000000000001", Ext: ext}
			if k != want {
				t.Errorf("ParseUploadKey(%q): got %+v, want %+v", key, k, want)
			}
			if !k.OwnedBy(user) {
				t.Errorf("%q: not owned by %q", key, user)
			}
			for _, other := range []string{"mallory", user + "x", "~" + user} {
				if k.OwnedBy(other) {
					t.Errorf("%q: owned by %q too", key, other)
				}
			}
		}
	}
}

func TestParseUploadKeyRefuses(t *testing.T) {
	good := "up/video/alice/2026/11/25/abc-1.mp4"
	if _, ok := testLayout.ParseUploadKey(good); !ok {
		t.Fatalf("ParseUploadKey(%q): refused, want the control accepted", good)
	}
	for _, key := range []string{
		"", "up/", "upx/video/alice/2026/11/25/abc.mp4", "rec/video/alice/2026/11/25/abc.mp4",
		"q/x/up/video/alice/2026/11/25/abc.mp4", "/up/video/alice/2026/11/25/abc.mp4",
		"up/video/alice/2026/11/25/abc.mp4/x", "up/video/alice/2026/11/abc.mp4",
		"up/Video/alice/2026/11/25/abc.mp4", "up/-video/alice/2026/11/25/abc.mp4",
		"up/video/../2026/11/25/abc.mp4", "up/video/a b/2026/11/25/abc.mp4", "up/video/~abc/2026/11/25/abc.mp4",
		"up/video/~0123456789ABCDEF0123456789abcdef/2026/11/25/abc.mp4",
		"up/video/alice/2026/13/25/abc.mp4", "up/video/alice/26/11/25/abc.mp4", "up/video/alice/2026/11/25/.mp4",
		"up/video/alice/2026/11/25/abc.MP4", "up/video/alice/2026/11/25/abc.mp4.exe", "up/video/alice/2026/11/25/a.b.c",
		"up/video/alice/2026/11/25/" + strings.Repeat("a", 65), "up/video/alice/2026/11/25/abc.",
		"up/video/alice/2026/11/25/" + strings.Repeat("a", 1000) + ".mp4",
	} {
		if k, ok := testLayout.ParseUploadKey(key); ok {
			t.Errorf("ParseUploadKey(%q): got %+v, want refused", key, k)
		}
	}
}

func TestParseUploadKeyOfConfiguredPrefix(t *testing.T) {
	l := Layout{config.Prefixes{Upload: "a/b", Records: "r", Quarantine: "q"}}
	if _, ok := l.ParseUploadKey("a/b/p/u/2026/01/02/id.png"); !ok {
		t.Error("a key under a two-segment upload prefix: refused")
	}
	if _, ok := l.ParseUploadKey("a/p/u/2026/01/02/id.png"); ok {
		t.Error("a key under part of the prefix: accepted")
	}
}

// FuzzParseUploadKey: whatever ParseUploadKey accepts, UploadKey builds
// again byte for byte from its parts, and nothing it accepts lies outside
// the upload prefix.
func FuzzParseUploadKey(f *testing.F) {
	f.Add("up/video/alice/2026/11/25/abc-1.mp4")
	f.Add("up/video/~0123456789abcdef0123456789abcdef/2026/01/02/x")
	f.Add("up/video/alice/2026/02/30/abc.mp4")
	f.Fuzz(func(t *testing.T, key string) {
		k, ok := testLayout.ParseUploadKey(key)
		if !ok {
			return
		}
		if !testLayout.IsUploadKey(key) {
			t.Fatalf("%q accepted outside the upload prefix", key)
		}
		seg := k.UserSegment
		rebuilt := testLayout.Upload + "/" + k.Profile + "/" + seg + "/" + k.Day.Format("2006/01/02") + "/" + k.ID + k.Ext
		if rebuilt != key {
			t.Fatalf("%q parsed as %+v, which builds %q", key, k, rebuilt)
		}
	})
}
