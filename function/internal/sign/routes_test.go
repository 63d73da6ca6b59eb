package sign

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/wire"
)

func TestRouting(t *testing.T) {
	tests := []struct {
		name, method, path  string
		wantStatus          int
		wantCode, wantAllow string
	}{
		{"healthz", "GET", "/healthz", 200, "", ""},
		{"unknown path", "GET", "/nope", 404, wire.CodeNotFound, ""},
		{"root", "POST", "/", 404, wire.CodeNotFound, ""},
		{"sign with GET", "GET", "/sign", 405, wire.CodeMethodNotAllowed, "POST, OPTIONS"},
		{"sign with PUT", "PUT", "/sign", 405, wire.CodeMethodNotAllowed, "POST, OPTIONS"},
		{"healthz with POST", "POST", "/healthz", 405, wire.CodeMethodNotAllowed, "GET, OPTIONS"},
		{"uploads with POST", "POST", "/uploads", 405, wire.CodeMethodNotAllowed, "GET, OPTIONS"},
		{"options without origin", "OPTIONS", "/sign", 204, "", "POST, OPTIONS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFixture(t, nil).do(request{method: tt.method, path: tt.path})
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow: got %q, want %q", got, tt.wantAllow)
			}
			if tt.wantCode != "" {
				if e := errorOf(t, w); e.Error.Code != tt.wantCode {
					t.Errorf("code: got %q, want %q", e.Error.Code, tt.wantCode)
				}
			}
			if tt.path == "/healthz" && tt.wantStatus == 200 && strings.TrimSpace(w.Body.String()) != `{"status":"ok"}` {
				t.Errorf("body: got %q, want {\"status\":\"ok\"}", w.Body)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do(request{method: "GET", path: "/nope", info: &invocation.Info{RequestID: "fc-req-42"}})
	if got := errorOf(t, w).Error.RequestID; got != "fc-req-42" || w.Header().Get("X-Request-Id") != "fc-req-42" {
		t.Errorf("requestId: got %q / header %q, want fc-req-42", got, w.Header().Get("X-Request-Id"))
	}
	for name, info := range map[string]invocation.Info{"none": {}, "not a token": {RequestID: "a b"}} {
		w = f.do(request{method: "GET", path: "/nope", header: map[string]string{"X-Fc-Request-Id": "forged"}, info: &info})
		if got := errorOf(t, w).Error.RequestID; len(got) != 36 {
			t.Errorf("%s: requestId: got %q, want a generated UUID (a client's header is not the invocation's id)", name, got)
		}
	}
}

func TestCORS(t *testing.T) {
	preflight := map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "authorization, content-type"}
	tests := []struct {
		name     string
		origins  []string
		method   string
		hdr      map[string]string
		wantCode int
		want     map[string]string // header: value ("" = absent)
	}{
		{"preflight allowed", nil, "OPTIONS", preflight, 204, map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
			"Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600", "Vary": "Origin"}},
		{"preflight other origin", nil, "OPTIONS", map[string]string{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}, 204,
			map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}},
		{"simple allowed", nil, "GET", map[string]string{"Origin": "https://app.example.com"}, 200,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": ""}},
		{"wildcard", []string{"*"}, "OPTIONS", map[string]string{"Origin": "https://any.example.com", "Access-Control-Request-Method": "POST"}, 204,
			map[string]string{"Access-Control-Allow-Origin": "*"}},
		{"no allowlist", []string{}, "GET", map[string]string{"Origin": "https://app.example.com"}, 200,
			map[string]string{"Access-Control-Allow-Origin": ""}},
		{"error readable", nil, "GET", map[string]string{"Origin": "https://app.example.com"}, 404,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) {
				if tt.origins != nil {
					o.Config.CORSOrigins = tt.origins
				}
			})
			path := "/healthz"
			if tt.wantCode == 404 {
				path = "/nope"
			}
			w := f.do(request{method: tt.method, path: path, header: tt.hdr})
			if w.Code != tt.wantCode {
				t.Fatalf("status: got %d, want %d", w.Code, tt.wantCode)
			}
			for k, v := range tt.want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	good := newFixture(t, nil).h.o
	tests := map[string]func(*Options){
		"no auth": func(o *Options) { o.Auth = nil },
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			o := good
			mod(&o)
			if _, err := New(o); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestMultipartRoutesNeedTheOpener(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Open = nil })
	for _, path := range []string{"/uploads/multipart", "/uploads/multipart/parts", "/uploads/multipart/complete"} {
		if w := f.do(request{method: "POST", path: path, user: "alice", body: `{}`}); w.Code != 404 {
			t.Errorf("POST %s without Options.Open: got %d, want 404", path, w.Code)
		}
	}
}

func TestMultipartPreflight(t *testing.T) {
	f := newMPFixture(t)
	w := f.do(request{method: "OPTIONS", path: "/uploads/multipart", header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "DELETE"}})
	type preflight struct{ Status, Methods, Origin any }
	got := preflight{w.Code, w.Header().Get("Access-Control-Allow-Methods"), w.Header().Get("Access-Control-Allow-Origin")}
	if diff := cmp.Diff(preflight{204, "GET, POST, DELETE, OPTIONS", "https://app.example.com"}, got); diff != "" {
		t.Errorf("preflight of DELETE (-want +got):\n%s", diff)
	}
}
