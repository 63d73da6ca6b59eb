package sign

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/creds"
)

// FuzzSignRequest posts arbitrary bodies with a valid token: the handler
// never panics, never answers 5xx, and always answers JSON.
func FuzzSignRequest(f *testing.F) {
	for _, s := range []string{
		`{"profile":"avatar","files":[{"name":"me.png","type":"image/png","size":52311}]}`,
		`{"profile":"multi","files":[{"name":"a","type":"image/png","size":1},{"name":"b","type":"application/pdf","size":2}]}`,
		`{"profile":"tiny","files":[{"name":"\u0000","type":"text/plain","size":3}]}`,
		`{"profile":"avatar","files":[{"name":"🙂\ud800","type":"IMAGE/PNG ","size":1e3}]}`,
		`{"profile":"avatar","files":[{"name":"a","type":"image/png","size":9223372036854775807}]}`,
		`{"profile":"avatar","files":null}`, `{"files":{}}`, `{}`, `null`, `[]`, `"x"`, ``, `{`, `{"profile":1}`,
		`{"profile":"avatar","files":[{"name":"\u202egnp.exe","type":"image/png","size":5}]}`,
		strings.Repeat(`[`, 10000), `{"profile":"avatar","files":[` + strings.Repeat(`{},`, 30) + `{}]}`,
	} {
		f.Add([]byte(s))
	}
	fx := newFixture(f, func(o *Options) { o.Logger = slog.New(slog.DiscardHandler) })
	authz := token(f, "fuzzer")
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/sign", strings.NewReader(string(body)))
		r = r.WithContext(creds.NewContext(r.Context(), testCreds))
		r.Header.Set("Authorization", authz)
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("body not JSON: %q", w.Body)
		}
	})
}

// BenchmarkHandler measures the whole core for one file: verify the HS256
// JWT, decode the request, build and sign the policy, encode the response,
// log one JSON line.
func BenchmarkHandler(b *testing.B) {
	fx := newFixture(b, func(o *Options) {
		o.NewID = nil // the real UUID v4
		o.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	})
	authz := token(b, "alice")
	body := `{"profile":"avatar","files":[{"name":"me.png","type":"image/png","size":52311}]}`
	ctx := creds.NewContext(b.Context(), testCreds)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequestWithContext(ctx, "POST", "/sign", strings.NewReader(body))
		r.Header.Set("Authorization", authz)
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
