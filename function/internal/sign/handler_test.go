package sign

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
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

// putRecs stores n records of user, record i uploaded i seconds before
// testNow (so listed in order i).
func putRecs(t *testing.T, f *fixture, user string, n int) {
	t.Helper()
	for i := range n {
		r := records.Record{ID: fmt.Sprintf("%s-%02d", user, i), Uploader: user, Key: "uploads/avatar/" + user + fmt.Sprintf("/%d.png", i),
			Profile: "avatar", Status: records.StatusOK, ContentType: "image/png", UploadedAt: testNow.Add(-time.Duration(i) * time.Second)}
		if err := f.stores.Put(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUploads(t *testing.T) {
	tests := []struct {
		name, query, authz string
		storeErr           error
		wantStatus         int
		wantCode           string
		wantIDs            []string
		wantNext           bool
	}{
		{"default limit", "", "alice", nil, 200, "", ids("alice", 0, 20), true},
		{"limit 2", "?limit=2", "alice", nil, 200, "", ids("alice", 0, 2), true},
		{"limit 100", "?limit=100", "alice", nil, 200, "", ids("alice", 0, 25), false},
		{"other user param ignored", "?user=bob&uploader=bob", "alice", nil, 200, "", ids("alice", 0, 20), true},
		{"since", "?since=" + testNow.Add(-2*time.Second).Format(time.RFC3339), "alice", nil, 200, "", ids("alice", 0, 3), false},
		{"profile", "?profile=image", "alice", nil, 200, "", []string{}, false},
		{"status deleted", "?status=deleted", "alice", nil, 200, "", []string{}, false},
		{"no records", "", "carol", nil, 200, "", []string{}, false},
		{"limit 0", "?limit=0", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"limit 101", "?limit=101", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"limit word", "?limit=ten", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"bad cursor", "?cursor=zzz", "alice", nil, 400, wire.CodeInvalidCursor, nil, false},
		{"huge cursor", "?cursor=" + strings.Repeat("c", 3000), "alice", nil, 400, wire.CodeInvalidCursor, nil, false},
		{"bad status", "?status=gone", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"bad profile", "?profile=../x", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"bad since", "?since=yesterday", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"no token", "", "", nil, 401, wire.CodeUnauthenticated, nil, false},
		{"no credentials", "", "alice", fmt.Errorf("x: %w", creds.ErrNone), 503, wire.CodeNoCredentials, nil, false},
		{"store failure", "", "alice", fmt.Errorf("boom"), 503, wire.CodeStoreUnavailable, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			putRecs(t, f, "alice", 25)
			putRecs(t, f, "bob", 3)
			f.stores.err = tt.storeErr
			authz := ""
			if tt.authz != "" {
				authz = token(t, tt.authz)
			}
			w := f.do(request{method: "GET", path: "/uploads" + tt.query, authz: authz})
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantCode != "" {
				if e := errorOf(t, w); e.Error.Code != tt.wantCode {
					t.Errorf("code: got %q, want %q", e.Error.Code, tt.wantCode)
				}
				return
			}
			page := pageOf(t, w)
			got := []string{}
			for _, r := range page.Records {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, got); diff != "" || (page.Next != "") != tt.wantNext {
				t.Errorf("ids (-want +got):\n%s next: got %q, want one: %v", diff, page.Next, tt.wantNext)
			}
			if diff := cmp.Diff([]string{tt.authz}, f.stores.asked); diff != "" {
				t.Errorf("users listed (-want +got):\n%s", diff)
			}
		})
	}
}

// pageOf decodes a GET /uploads answer.
func pageOf(t *testing.T, w *httptest.ResponseRecorder) wire.UploadsPage {
	t.Helper()
	var page wire.UploadsPage
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	return page
}

func TestUploadsPages(t *testing.T) {
	f := newFixture(t, nil)
	putRecs(t, f, "alice", 25)
	putRecs(t, f, "bob", 3)
	var got []string
	cursor := ""
	for range 10 {
		page := pageOf(t, f.do(request{method: "GET", path: "/uploads?limit=7&cursor=" + url.QueryEscape(cursor), authz: token(t, "alice")}))
		for _, r := range page.Records {
			got = append(got, r.ID)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if d := cmp.Diff(ids("alice", 0, 25), got); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	if w := f.do(request{method: "GET", path: "/uploads?cursor=" + url.QueryEscape(pageOf(t, f.do(request{method: "GET", path: "/uploads?limit=1", authz: token(t, "bob")})).Next), authz: token(t, "alice")}); w.Code != 400 {
		t.Errorf("another user's cursor: got %d, want 400", w.Code)
	}
}

func ids(user string, from, to int) []string {
	out := []string{}
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s-%02d", user, i))
	}
	return out
}

func TestUploadsAnonymous(t *testing.T) {
	f := newFixture(t, nil)
	v := anonymousAuth{}
	f.h.o.Auth = v
	w := f.do(request{method: "GET", path: "/uploads"})
	if w.Code != 401 {
		t.Errorf("anonymous /uploads: got %d, want 401", w.Code)
	}
	if w := f.do(request{method: "POST", path: "/sign", body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`}); w.Code != 200 {
		t.Fatalf("anonymous /sign: got %d, want 200; %s", w.Code, w.Body)
	} else if u := decodeUploads(t, w.Body.Bytes())[0]; u.Fields[upload.MetaUploader] != "anonymous" || !strings.Contains(u.Key, "/anonymous/") {
		t.Errorf("anonymous ticket: uploader %q key %q", u.Fields[upload.MetaUploader], u.Key)
	}
}

func TestLogs(t *testing.T) {
	f := newFixture(t, nil)
	authz := token(t, "alice")
	f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`, info: &invocation.Info{RequestID: "r-1", Credentials: testCreds}})
	f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"avatar","files":[]}`})
	logs := f.logs.String()
	for _, secret := range []string{strings.TrimPrefix(authz, "Bearer "), testCreds.AccessKeySecret, testCreds.SecurityToken, string(testSecret)} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold a secret %q:\n%s", secret, logs)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), logs)
	}
	var first, second map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[1]), &second)
	want := map[string]any{"requestId": "r-1", "user": "alice", "profile": "avatar", "status": float64(200), "outcome": "ok"}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("first line %s: got %v, want %v", k, first[k], v)
		}
	}
	if keys, _ := first["keys"].([]any); len(keys) != 1 {
		t.Errorf("first line keys: got %v, want one key", first["keys"])
	}
	wantSecond := map[string]any{"outcome": "rejected", "code": wire.CodeNoFiles, "status": float64(400)}
	if diff := cmp.Diff(wantSecond, map[string]any{"outcome": second["outcome"], "code": second["code"], "status": second["status"]}); diff != "" {
		t.Errorf("second line (-want +got):\n%s", diff)
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
