package sign

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/internal/invocation"
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
		r = r.WithContext(invocation.NewContext(r.Context(), invocation.Info{Credentials: testCreds}))
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
// log one JSON line. The request and writer are reused so that the figure is
// the handler's, not the harness's.
func BenchmarkHandler(b *testing.B) {
	fx := newFixture(b, func(o *Options) {
		o.NewID = nil // the real UUID v4
		o.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	})
	const body = `{"profile":"avatar","files":[{"name":"me.png","type":"image/png","size":52311}]}`
	var rd strings.Reader
	info := invocation.Info{RequestID: "1-6744c0a7-3f1b2c4d5e6f708192a3b4c5", Credentials: testCreds} // as fcadapter puts it in FC
	r, err := http.NewRequestWithContext(invocation.NewContext(b.Context(), info), "POST", "/sign", &rd)
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Authorization", token(b, "alice"))
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		r.Body = io.NopCloser(&rd)
		clear(w.h)
		w.status, w.n = 0, 0
		fx.h.ServeHTTP(w, r)
		if w.status != 200 || w.n < 1000 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
}

// benchWriter is a ResponseWriter that keeps only the status and size.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header    { return w.h }
func (w *benchWriter) WriteHeader(status int) { w.status = status }
func (w *benchWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
