package fcemu

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkInvoke measures one synchronous invocation round trip through the
// runtime API and a real process (the emulator's own overhead).
func BenchmarkInvoke(b *testing.B) {
	e, err := Start(Config{CodeDir: codeDir})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Invoke(context.Background(), []byte(`{"op":"sleep","ms":0}`)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTTPFront measures one HTTP request through the FC 3.0 HTTP
// trigger front, four instances, parallel clients.
func BenchmarkHTTPFront(b *testing.B) {
	e, err := Start(Config{CodeDir: codeDir, Instances: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	srv := httptest.NewServer(e)
	defer srv.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := http.Post(srv.URL+"/echo", "text/plain", strings.NewReader("hello"))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d, want 200", resp.StatusCode)
				return
			}
		}
	})
}
