package upload

import (
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

var testLayout = Layout{config.Prefixes{Upload: "up", Records: "rec", Quarantine: "q/x"}}

func TestUploadKey(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 30, 0, 0, time.FixedZone("UTC+8", 8*3600))
	tests := []struct{ user, want string }{
		{"alice", "up/avatar/alice/2026/11/25/id-1.png"},
		{"a/b", "up/avatar/" + UploadUserSegment("a/b") + "/2026/11/25/id-1.png"},
	}
	for _, tt := range tests {
		if got := testLayout.UploadKey("avatar", tt.user, day, "id-1", ".png"); got != tt.want {
			t.Errorf("UploadKey(%q): got %q, want %q (the day in UTC)", tt.user, got, tt.want)
		}
	}
}

func TestKeyKinds(t *testing.T) {
	up := testLayout.UploadKey("avatar", "alice", time.Now(), "id", ".png")
	q := testLayout.QuarantineKey(up)
	rec := "rec/alice/r/0123.json" // an object of the OSS record store
	tests := []struct {
		key           string
		upload, owned bool
	}{
		{up, true, false},
		{q, false, true},
		{rec, false, true},
		{"rec/alice/g/9223372036854775800.json", false, true},
		{"upx/a.png", false, false},
		{"other/a.png", false, false},
	}
	for _, tt := range tests {
		if got := testLayout.IsUploadKey(tt.key); got != tt.upload {
			t.Errorf("IsUploadKey(%q): got %v, want %v", tt.key, got, tt.upload)
		}
		if got := testLayout.IsOwnKey(tt.key); got != tt.owned {
			t.Errorf("IsOwnKey(%q): got %v, want %v", tt.key, got, tt.owned)
		}
	}
	if q != "q/x/"+up {
		t.Errorf("QuarantineKey: got %q, want the upload key under the quarantine prefix", q)
	}
}

func TestFilenameRoundTrip(t *testing.T) {
	for _, name := range []string{"me 1.png", "用户 照片.jpg", `"><script>x</script>.png`, "a%2Fb", "100%.txt", "../../etc/passwd"} {
		v := EscapeFilename(name)
		if strings.ContainsAny(v, "<>\"\r\n /") {
			t.Errorf("EscapeFilename(%q) = %q: want no markup, space, slash or line break", name, v)
		}
		if got := UnescapeFilename(v); got != name {
			t.Errorf("UnescapeFilename(EscapeFilename(%q)) = %q", name, got)
		}
	}
	if got := UnescapeFilename("100%"); got != "100%" {
		t.Errorf("UnescapeFilename(100%%): got %q, want it as it is", got)
	}
}

func TestUploaderOfUploadKey(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, user := range []string{"alice", "bob@example.com", "a/b", "..", "用户", "~x"} {
		got, ok := testLayout.UploaderOfUploadKey(testLayout.UploadKey("avatar", user, day, "id", ".png"))
		if plain := UploadUserSegment(user) == user; ok != plain || ok && got != user {
			t.Errorf("UploaderOfUploadKey(key of %q): got %q, %v; want %q, %v", user, got, ok, user, plain)
		}
	}
	for _, key := range []string{"other/avatar/alice/x.png", "up/avatar", "up/alice.png"} {
		if got, ok := testLayout.UploaderOfUploadKey(key); ok {
			t.Errorf("UploaderOfUploadKey(%q): got %q, want none", key, got)
		}
	}
}
