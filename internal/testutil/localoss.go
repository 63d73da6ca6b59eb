package testutil

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ossgate/ossgate/local/ossemu"
)

// LocalOSS is a local OSS endpoint (ossemu) for one test, reached over
// loopback HTTP with a fault injector in front.
type LocalOSS struct {
	Server *ossemu.Server
	URL    string // http://127.0.0.1:port, path-style
	Faults *Faults
}

// StartLocalOSS serves bucket (region cn-hangzhou) from a temporary
// directory until the test ends, accepting the credential c.
func StartLocalOSS(t testing.TB, bucket string, c ossemu.Credential) *LocalOSS {
	t.Helper()
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: "cn-hangzhou", Buckets: []string{bucket}})
	if err != nil {
		t.Fatalf("ossemu.New: %v", err)
	}
	srv.AddCredential(c)
	l := &LocalOSS{Server: srv, Faults: &Faults{fail: map[string]int{}}}
	hs := httptest.NewServer(l.Faults.Wrap(srv))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	l.URL = hs.URL
	return l
}

// Faults answers 503 ServiceUnavailable, as OSS does under load, to the
// next requests of chosen method and path.
type Faults struct {
	mu   sync.Mutex
	fail map[string]int // "HEAD /bucket/key" → remaining failures
}

// FailNext makes the next n requests of method on path fail.
func (f *Faults) FailNext(method, path string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method+" "+path] += n
}

// Wrap returns h behind the fault injector.
func (f *Faults) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		k := r.Method + " " + r.URL.Path
		n := f.fail[k]
		if n > 0 {
			f.fail[k] = n - 1
		}
		f.mu.Unlock()
		if n > 0 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected</Message></Error>`))
			return
		}
		h.ServeHTTP(w, r)
	})
}
