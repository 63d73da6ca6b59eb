package sign

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// TestLogFieldsAreCapped (issue 14, finding 8): every value a request
// controls is logged at most maxLogValue bytes long (plus a marker saying
// how much was cut) and without control or format characters, however
// large or strange the request.
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
