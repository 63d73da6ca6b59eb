package upload

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestKeySafeAsRegexp checks keySafe against the pattern it implements, for
// every single byte and a few longer users.
func TestKeySafeAsRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)
	users := []string{"", "alice", "a.b_c-d@e", strings.Repeat("a", 64), strings.Repeat("a", 65), "a~b", "a/b", "a b", "用户", "a%2F"}
	for c := range 256 {
		users = append(users, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	for _, u := range users {
		if got, want := keySafe(u), re.MatchString(u); got != want {
			t.Errorf("keySafe(%q): got %v, want %v", u, got, want)
		}
	}
}

// TestEscapeKeyAsSegments checks EscapeKey against escaping every segment
// with url.PathEscape, fast path included.
func TestEscapeKeyAsSegments(t *testing.T) {
	keys := []string{"", "/", "uploads/avatar/alice/2026/11/25/0f8fad5b-d9cb-469f-a165-70867728950e.png",
		"uploads/avatar/~0123abcd/x.png", "a b/c", "a;b/c,d?e", "a@b/c:d", "用户/x", "a%2Fb", "a+b=c&d$"}
	for c := range 256 {
		keys = append(keys, "p/"+string([]byte{byte(c)})+"/q")
	}
	for _, k := range keys {
		segs := strings.Split(k, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		if got, want := EscapeKey(k), strings.Join(segs, "/"); got != want {
			t.Errorf("EscapeKey(%q): got %q, want %q", k, got, want)
		}
	}
}

func TestUploadUserSegment(t *testing.T) {
	tests := []struct{ user, want string }{
		{"alice", "alice"},
		{"a.b_c@d-e", "a.b_c@d-e"},
		{strings.Repeat("x", 64), strings.Repeat("x", 64)},
		{strings.Repeat("x", 65), "~"},
		{"..", "~"},
		{".", "~"},
		{"a/b", "~"},
		{"auth0|12345", "~"},
		{"用户", "~"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got := UploadUserSegment(tt.user)
			if tt.want == "~" {
				if len(got) != 33 || got[0] != '~' {
					t.Errorf("got %q, want ~ and 32 hex digits", got)
				}
				if again := UploadUserSegment(tt.user); again != got {
					t.Errorf("not deterministic: %q then %q", got, again)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if UploadUserSegment("a/b") == UploadUserSegment("a|b") {
		t.Error("different users share a segment")
	}
}
