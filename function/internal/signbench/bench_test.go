package signbench_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"github.com/ossgate/ossgate/bench"
	"github.com/ossgate/ossgate/function/internal/fcadapter"
	"github.com/ossgate/ossgate/function/internal/signbench"
	"github.com/ossgate/ossgate/function/internal/upload"
)

func newCore(tb testing.TB) (bench.Fixture, http.Handler) {
	tb.Helper()
	f, err := bench.NewFixture(time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	h, err := signbench.Handler(context.Background(), f.SignEnv(), f.Credentials(), io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	return f, h
}

func signRequest(f bench.Fixture) *http.Request {
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
	if fl[upload.MetaUploader] != f.Sub || fl["x-oss-signature"] == "" || fl["x-oss-security-token"] != f.SecurityToken {
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

// fcEvent is the FC 3.0 HTTP trigger event of the fixture's POST /sign, as
// the runtime hands it to the function (body base64-encoded).
func fcEvent(f bench.Fixture) []byte {
	ev := map[string]any{
		"version": "v1", "rawPath": "/sign", "isBase64Encoded": true,
		"body":            base64.StdEncoding.EncodeToString([]byte(f.Body)),
		"headers":         map[string]string{"Authorization": f.Authorization, "Content-Type": "application/json", "X-Fc-Request-Id": "bench-1"},
		"queryParameters": map[string]string{},
		"requestContext": map[string]any{"accountId": "1234567890123456", "domainName": "127.0.0.1", "requestId": "bench-1",
			"http": map[string]string{"method": "POST", "path": "/sign", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
			"time": "25/Nov/2026:13:00:00 +0000", "timeEpoch": "1795611600000"},
	}
	b, _ := json.Marshal(ev)
	return b
}

// BenchmarkSignThroughFCAdapter adds to the handler core what the function
// does per invocation besides it: decode the FC event JSON (as the runtime
// SDK does), adapt it to an http.Request and back (function/internal/fcadapter), and
// encode the FC response JSON. The runtime API round trips are not in it.
func BenchmarkSignThroughFCAdapter(b *testing.B) {
	f, h := newCore(b)
	fn := fcadapter.Wrap(h)
	payload := fcEvent(f)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var ev events.HTTPTriggerEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			b.Fatal(err)
		}
		resp, err := fn(ctx, ev)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("got %v, %v; want a 200 response", resp, err)
		}
		if _, err := json.Marshal(resp); err != nil {
			b.Fatal(err)
		}
	}
}
