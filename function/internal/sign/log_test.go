package sign

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/wire"
)

// TestKeyListLogsAsStrings checks that the keys attribute logs as the JSON
// array slog writes for a []string: byte for byte for ordinary keys, the
// same strings after decoding for any other.
func TestKeyListLogsAsStrings(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		sameBytes bool
	}{
		{"one key", []string{"a/b/c/2026/11/25/0f8fad5b-d9cb-469f-a165-70867728950e.png"}, true},
		{"three keys", []string{"a/x.png", "a/y.pdf", "a/~0123/z.png"}, true},
		{"empty", []string{}, true},
		{"escapes", []string{"a\"b\\c", "tab\there", "<&>", "用户", "\u2028", "bad \xff utf-8"}, false},
	}
	line := func(v slog.Value) []byte {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})).LogAttrs(t.Context(), slog.LevelInfo, "m", slog.Attr{Key: "keys", Value: v})
		return b.Bytes()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := line(slog.AnyValue(keyList(tt.keys))), line(slog.AnyValue(tt.keys))
			if tt.sameBytes && !bytes.Equal(got, want) {
				t.Errorf("got line %s, want %s", got, want)
			}
			var g, w map[string]any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("got line %s, not JSON: %v", got, err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("decoded line (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLogs(t *testing.T) {
	f := newFixture(t, nil)
	authz := token(t, "alice")
	f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`, info: &invocation.Info{RequestID: "r-1", Credentials: testCreds}})
	f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"avatar","files":[]}`})
	logs := f.logs.String()
	for _, secret := range []string{strings.TrimPrefix(authz, "Bearer "), testCreds.AccessKeySecret, testCreds.SecurityToken, string(testSecret)} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold a secret %q:\n%s", secret, logs)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), logs)
	}
	var first, second map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[1]), &second)
	want := map[string]any{"requestId": "r-1", "user": "alice", "profile": "avatar", "status": float64(200), "outcome": "ok"}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("first line %s: got %v, want %v", k, first[k], v)
		}
	}
	if keys, _ := first["keys"].([]any); len(keys) != 1 {
		t.Errorf("first line keys: got %v, want one key", first["keys"])
	}
	wantSecond := map[string]any{"outcome": "rejected", "code": wire.CodeNoFiles, "status": float64(400)}
	if diff := cmp.Diff(wantSecond, map[string]any{"outcome": second["outcome"], "code": second["code"], "status": second["status"]}); diff != "" {
		t.Errorf("second line (-want +got):\n%s", diff)
	}
}

// TestLogFieldsAreCapped: every value a request controls is logged at most
// maxLogValue bytes long (plus a marker saying how much was cut) and without
// control or format characters, however large or strange the request.
func TestLogFieldsAreCapped(t *testing.T) {
	huge := strings.Repeat("p", 60<<10)
	tests := []struct {
		name, method, path, authz, body string
	}{
		{"64 KB profile", "POST", "/sign", token(t, "alice"), `{"profile":"` + huge + `","files":[{"name":"a.png","type":"image/png","size":1}]}`},
		{"escapes in the profile", "POST", "/sign", token(t, "alice"), `{"profile":"a\u202e\u001b[31mred\nnext","files":[{"name":"a.png","type":"image/png","size":1}]}`},
		{"long path", "GET", "/" + strings.Repeat("x", 8<<10), "", ""},
		{"long method", strings.Repeat("M", 4<<10), "/sign", "", ""},
		{"long token", "POST", "/sign", "Bearer " + strings.Repeat("t", 7<<10), `{}`},
		{"bad JSON quoting the body", "POST", "/sign", token(t, "alice"), `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":"` + huge[:4000] + `"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.do(request{method: tt.method, path: tt.path, authz: tt.authz, body: tt.body})
			var line map[string]any
			if err := json.Unmarshal(f.logs.Bytes(), &line); err != nil {
				t.Fatalf("log %q: %v", f.logs.String(), err)
			}
			for k, v := range line {
				s, ok := v.(string)
				if !ok {
					continue
				}
				if len(s) > maxLogValue+len(" …[+0000000 bytes]") {
					t.Errorf("%s: %d bytes logged: %.80q…", k, len(s), s)
				}
				if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
					t.Errorf("%s: control or format character logged: %q", k, s)
				}
			}
		})
	}
}

func TestLogText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\nb\x1b[0m", `a\u000ab\u001b[0m`},
		{"rtl\u202eexe.png", `rtl\u202eexe.png`},
		{"tag\U000E0041", `tag\U000e0041`},
		{"用户 ü", "用户 ü"},
		{"bad \xff byte", "bad \ufffd byte"},
		{strings.Repeat("a", maxLogValue), strings.Repeat("a", maxLogValue)},
		{strings.Repeat("a", maxLogValue+5), strings.Repeat("a", maxLogValue) + " …[+5 bytes]"},
		{strings.Repeat("é", 200), strings.Repeat("é", 128) + " …[+144 bytes]"},
	}
	for _, tt := range tests {
		if got := logText(tt.in); got != tt.want {
			t.Errorf("logText(%.40q): got %.60q, want %.60q", tt.in, got, tt.want)
		}
	}
}
