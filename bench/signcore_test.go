package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newCore(tb testing.TB) (Fixture, http.Handler) {
	tb.Helper()
	f, err := NewFixture(time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	h, err := SignHandler(context.Background(), f.SignEnv(), f.Credentials(), io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	return f, h
}

func signRequest(f Fixture) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/sign", strings.NewReader(f.Body))
	r.Header.Set("Authorization", f.Authorization)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// TestSignHandlerAnswersFixture checks that the benchmarked request is a
// successful one: one ticket for the fixture's user, with a signature.
func TestSignHandlerAnswersFixture(t *testing.T) {
	f, h := newCore(t)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signRequest(f))
	if w.Code != http.StatusOK {
		t.Fatalf("got status %d (%s), want 200", w.Code, w.Body)
	}
	var got struct {
		Uploads []struct {
			Fields map[string]string `json:"fields"`
		} `json:"uploads"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("got body %s: %v", w.Body, err)
	}
	if len(got.Uploads) != 1 {
		t.Fatalf("got %d uploads, want 1", len(got.Uploads))
	}
	fl := got.Uploads[0].Fields
	if fl["x-oss-meta-uploader"] != f.Sub || fl["x-oss-signature"] == "" || fl["x-oss-security-token"] != f.SecurityToken {
		t.Errorf("got fields %v, want uploader %q, a signature and the security token", fl, f.Sub)
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, so the benchmark measures the handler and not a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkSignHandlerCore is one whole POST /sign through the real handler:
// decode the request, verify the HS256 JWT, build the policy, sign, encode
// the answer (and its JSON log line, written to io.Discard). The request is
// built once; only its body is renewed per call.
func BenchmarkSignHandlerCore(b *testing.B) {
	f, h := newCore(b)
	r := signRequest(f)
	w := &discardWriter{}
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(strings.NewReader(f.Body))
		w.h, w.status = http.Header{}, 0
		h.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("got status %d, want 200", w.status)
		}
	}
}
