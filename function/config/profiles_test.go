package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseProfiles(t *testing.T) {
	got, err := ParseProfiles([]byte(`{"clip":{"types":["video/mp4"],"minSize":10,"maxSize":1000,"expiry":"90s","successActionStatus":204,"maxFiles":3}}`))
	if err != nil {
		t.Fatalf("ParseProfiles: %v", err)
	}
	want := map[string]Profile{"clip": {Name: "clip", Types: []string{"video/mp4"}, MinSize: 10, MaxSize: 1000,
		Expiry: 90 * time.Second, SuccessActionStatus: 204, MaxFiles: 3, Disposition: DispositionAttachment, RejectPolyglots: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDefaultProfilesValid(t *testing.T) {
	p, err := ParseProfiles([]byte(DefaultProfiles))
	if err != nil {
		t.Fatalf("DefaultProfiles: %v", err)
	}
	for _, name := range []string{"avatar", "image", "document", "video"} {
		if _, ok := p[name]; !ok {
			t.Errorf("DefaultProfiles: no %q profile", name)
		}
	}
}

func TestParseProfilesErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"empty object", `{}`, "no profile"},
		{"not object", `[]`, "line 1, column 1: want an object mapping profile names to profiles"},
		{"trailing", `{"a":{"types":["image/png"],"maxSize":1}} {}`, "trailing"},
		{"unknown field", `{"a":{"types":["image/png"],"maxSize":1,"prefix":"x"}}`, "unknown field"},
		{"bad name", `{"A b":{"types":["image/png"],"maxSize":1}}`, "name must match"},
		{"no types", `{"a":{"maxSize":1}}`, "at least one MIME type"},
		{"unknown type", `{"a":{"types":["image/svg+xml"],"maxSize":1}}`, "unknown MIME type"},
		{"upper-case type", `{"a":{"types":["image/PNG"],"maxSize":1}}`, "unknown MIME type"},
		{"no max", `{"a":{"types":["image/png"]}}`, "minSize"},
		{"min over max", `{"a":{"types":["image/png"],"minSize":10,"maxSize":5}}`, "minSize"},
		{"negative min", `{"a":{"types":["image/png"],"minSize":-1,"maxSize":5}}`, "minSize"},
		{"over 5 GB", `{"a":{"types":["image/png"],"maxSize":5368709121}}`, "maxSize"},
		{"expiry too long", `{"a":{"types":["image/png"],"maxSize":1,"expiry":"2h"}}`, "expiry"},
		{"expiry too short", `{"a":{"types":["image/png"],"maxSize":1,"expiry":"500ms"}}`, "expiry"},
		{"expiry not duration", `{"a":{"types":["image/png"],"maxSize":1,"expiry":"600"}}`, "expiry"},
		{"bad status", `{"a":{"types":["image/png"],"maxSize":1,"successActionStatus":302}}`, "successActionStatus"},
		{"too many files", `{"a":{"types":["image/png"],"maxSize":1,"maxFiles":21}}`, "maxFiles"},
		{"negative files", `{"a":{"types":["image/png"],"maxSize":1,"maxFiles":-1}}`, "maxFiles"},
		{"bad disposition", `{"a":{"types":["image/png"],"maxSize":1,"disposition":"download"}}`, "disposition"},
		{"polyglots not bool", `{"a":{"types":["image/png"],"maxSize":1,"rejectPolyglots":"no"}}`, "rejectPolyglots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfiles([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

// TestParseProfilesPositions checks that a profile set with several
// mistakes reports every one at once, each at its line and column.
func TestParseProfilesPositions(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"every problem at once", `{
  "photo": {"types": ["image/png"], "maxSize": 100, "maxFile": 2},
  "clip": {
    "types": ["video/mp4"],
    "maxSize": "1GB",
    "quota": {"files": 1, "per": "day", "byte": 5}
  },
  "doc": {"types": ["text/x-nope"], "maxSize": 1}
}`, []string{
			`line 2, column 53: profile "photo": unknown field "maxFile" (known: types, minSize, maxSize, expiry, successActionStatus, maxFiles, disposition, rejectPolyglots, quota, rate, multipart, moderation)`,
			`line 6, column 41: profile "clip": quota: unknown field "byte" (known: files, bytes, per)`,
			`line 5, column 21: profile "clip": maxSize: want an integer, got string`,
			`line 8, column 3: profile "doc": unknown MIME type "text/x-nope"`,
		}},
		{"syntax error", "{\n  \"a\": {\"types\": [\"image/png\"],,}\n}", []string{"line 2, column 32: invalid character ','"}},
		{"trailing data", "{\"a\": {\"types\": [\"image/png\"], \"maxSize\": 1}}\n  {}", []string{"line 2, column 3: trailing data"}},
		{"truncated", `{"a": {"types": ["image/png"]`, []string{"line 1, column 30: unexpected EOF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfiles([]byte(tt.json))
			if err == nil {
				t.Fatal("got no error")
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("error lacks %q; got:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "line "); n != len(tt.want) {
				t.Errorf("got %d positioned problems, want %d:\n%s", n, len(tt.want), got)
			}
		})
	}
}

func TestExtension(t *testing.T) {
	for _, typ := range KnownTypes() {
		ext, ok := Extension(typ)
		if !ok || !strings.HasPrefix(ext, ".") || len(ext) < 2 {
			t.Errorf("Extension(%q): got %q, %v; want a dotted extension", typ, ext, ok)
		}
	}
	if ext, ok := Extension("text/html"); ok {
		t.Errorf("Extension(text/html): got %q, want unknown", ext)
	}
}

// TestContentRules checks the defaults and choices of disposition and
// rejectPolyglots.
func TestContentRules(t *testing.T) {
	got, err := ParseProfiles([]byte(`{
		"img": {"types": ["image/png", "image/heic"], "maxSize": 10},
		"doc": {"types": ["application/pdf"], "maxSize": 10},
		"mix": {"types": ["image/png", "video/mp4"], "maxSize": 10},
		"inl": {"types": ["application/pdf"], "maxSize": 10, "disposition": "inline", "rejectPolyglots": false},
		"att": {"types": ["image/png"], "maxSize": 10, "disposition": "attachment", "rejectPolyglots": true}}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]struct {
		disp     string
		polyglot bool
	}{"img": {"inline", true}, "doc": {"attachment", true}, "mix": {"attachment", true}, "inl": {"inline", false}, "att": {"attachment", true}} {
		if p := got[name]; p.Disposition != want.disp || p.RejectPolyglots != want.polyglot {
			t.Errorf("%s: got disposition %q, rejectPolyglots %v; want %q, %v", name, p.Disposition, p.RejectPolyglots, want.disp, want.polyglot)
		}
	}
}
