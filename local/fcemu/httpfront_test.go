package fcemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHTTPFrontRoundTrip(t *testing.T) {
	e := start(t, Config{AccountID: "42"})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	binary := []byte{0, 1, 2, 0xff, 0xfe, '\n', 'x'}
	tests := []struct {
		name, method, target, ctype string
		body                        []byte
		wantStatus                  int
		wantHeaders                 map[string]string
	}{
		{"binary post", "POST", "/echo?status=201&a=b", "application/octet-stream", binary, 201,
			map[string]string{"X-Query-A": "b", "X-Query-Status": "201", "X-Custom": "v1"}},
		{"json post", "POST", "/echo", "application/json", []byte(`{"k":"v"}`), 200,
			map[string]string{"X-Custom": "v1"}},
		{"get without body", "GET", "/echo?q=%E4%B8%AD", "", nil, 200,
			map[string]string{"X-Query-Q": "中"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.target, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			req.Header.Set("x-custom", "v1")
			req.Header.Add("X-Multi", "a")
			req.Header.Add("X-Multi", "b")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, got)
			}
			if !bytes.Equal(got, tt.body) {
				t.Errorf("body %q, want %q", got, tt.body)
			}
			if g := resp.Header.Get("X-Multi"); g != "a, b" {
				t.Errorf("multi-valued header: got %q, want %q", g, "a, b")
			}
			for k, v := range tt.wantHeaders {
				if g := resp.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			var rc HTTPContext
			if err := json.Unmarshal([]byte(resp.Header.Get("X-Request-Context")), &rc); err != nil {
				t.Fatalf("request context %q: %v", resp.Header.Get("X-Request-Context"), err)
			}
			want := rc
			want.AccountID, want.DomainName, want.DomainPrefix = "42", "127", "127"
			want.DomainName = "127.0.0.1"
			want.HTTP.Method, want.HTTP.Path, want.HTTP.Protocol = tt.method, "/echo", "HTTP/1.1"
			want.HTTP.SourceIP, want.HTTP.UserAgent = "127.0.0.1", "Go-http-client/1.1"
			want.RequestID = resp.Header.Get("X-Fc-Request-Id")
			if d := cmp.Diff(want, rc); d != "" {
				t.Errorf("requestContext (-want +got):\n%s", d)
			}
			if _, err := time.Parse(time.RFC3339, rc.Time); err != nil || rc.TimeEpoch == "" {
				t.Errorf("time %q / timeEpoch %q: want RFC 3339 and epoch ms", rc.Time, rc.TimeEpoch)
			}
		})
	}
}

func TestHTTPFrontFailures(t *testing.T) {
	e := start(t, Config{Timeout: time.Second, MaxBodyBytes: 1024, RestartBackoff: 10 * time.Millisecond})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	tests := []struct {
		name, target string
		body         string
		wantStatus   int
		wantCode     string
	}{
		{"timeout", "/sleep?ms=5000", "", 504, "FunctionTimeout"},
		{"panic", "/panic", "", 502, "FunctionError"},
		{"error", "/error", "", 502, "FunctionError"},
		{"exit", "/exit", "", 502, "FunctionCrashed"},
		{"malformed result", "/bad", "", 502, "InvalidFunctionResult"},
		{"body too large", "/echo", strings.Repeat("x", 1025), 413, "RequestEntityTooLarge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			resp, err := srv.Client().Post(srv.URL+tt.target, "text/plain", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct {
				Error struct{ Code, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != tt.wantStatus || got.Error.Code != tt.wantCode {
				t.Errorf("got %d %s (%s), want %d %s", resp.StatusCode, got.Error.Code, got.Error.Message, tt.wantStatus, tt.wantCode)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s, want well under 5s", d)
			}
			// The next request is served normally.
			ok, err := srv.Client().Post(srv.URL+"/echo", "text/plain", strings.NewReader("after"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(ok.Body)
			ok.Body.Close()
			if ok.StatusCode != 200 || string(b) != "after" {
				t.Errorf("next request: got %d %q, want 200 \"after\"", ok.StatusCode, b)
			}
		})
	}
}
