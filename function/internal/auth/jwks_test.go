package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// TestJWKSFetch: the key set is fetched once at start, without following
// redirects, reading at most MaxJWKSBytes, within the fetch timeout; any
// failure is an error from FromConfig (the function does not start), which
// names the URL.
func TestJWKSFetch(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := jwksServer(t, rsaKey, ecKey)
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	set := func() []byte {
		resp, err := http.Get(good.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 0, 4096)
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				return b
			}
		}
	}()
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/jwks.json"
	}()
	tests := []struct {
		name, url string
		ok        bool
	}{
		{"ok", good.URL, true},
		{"redirect", serve(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, good.URL, http.StatusFound) }), false},
		{"over 1 MiB", serve(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(set[:len(set)-1])
			_, _ = w.Write([]byte(strings.Repeat(" ", MaxJWKSBytes) + "}"))
		}), false},
		{"slow", serve(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
			_, _ = w.Write(set)
		}), false},
		{"server error", serve(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", http.StatusInternalServerError) }), false},
		{"not a key set", serve(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }), false},
		{"no usable key", serve(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"keys":[]}`)) }), false},
		{"unreachable", closed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			cfg := config.Auth{JWKSURL: tt.url, Issuer: "https://issuer.example", Audience: "ossgate", MaxTTL: time.Hour}
			v, err := FromConfig(t.Context(), cfg, Options{Now: fixedNow, FetchTimeout: 500 * time.Millisecond})
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("FromConfig took %v, want it bounded by the fetch timeout", took)
			}
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), tt.url) {
					t.Errorf("got %v, want a start-up error naming %s", err, tt.url)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromConfig: %v", err)
			}
			if id, err := v.Authenticate(t.Context(), signWith(t, jwt.SigningMethodES256, "e1", ecKey)); err != nil || id.User != "alice" {
				t.Errorf("a token signed by the fetched key: got %+v, %v; want alice", id, err)
			}
		})
	}
}
