package stack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/ossemu"
)

// writeFiles writes each of names under dir with the content "file <name>".
func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, f := range names {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("file "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFrontRouting(t *testing.T) {
	demo := t.TempDir()
	writeFiles(t, demo, "web/index.html", "core/uploader.js", "dist/package/package.json", "dist/package/web/ossgate-web.js",
		"dist/miniprogram/index.js")
	unbuilt := t.TempDir()
	writeFiles(t, unbuilt, "web/index.html", "core/uploader.js")
	sign := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "function "+r.Method+" "+r.URL.Path)
	})
	tests := []struct {
		name, demoDir, method, path string
		wantStatus                  int
		wantBody                    string // prefix
	}{
		{"root redirects to the page", demo, "GET", "/", 302, ""},
		{"page", demo, "GET", "/demo/web/", 200, "file web/index.html"},
		{"packaged browser entry", demo, "GET", "/demo/pkg/web/ossgate-web.js", 200, "file dist/package/web/ossgate-web.js"},
		{"the package's manifest", demo, "GET", "/demo/pkg/package.json", 200, "file dist/package/package.json"},
		{"source core is not served", demo, "GET", "/demo/core/uploader.js", 200, "function GET /demo/core/uploader.js"},
		{"other build output is not served", demo, "GET", "/demo/dist/miniprogram/index.js", 200, "function GET /demo/dist/"},
		{"package not built", unbuilt, "GET", "/demo/pkg/web/ossgate-web.js", 404, "the clients package is not built"},
		{"page without the package built", unbuilt, "GET", "/demo/web/", 200, "file web/index.html"},
		{"sign goes to the function", demo, "POST", "/sign", 200, "function POST /sign"},
		{"healthz goes to the function", demo, "GET", "/healthz", 200, "function GET /healthz"},
		{"other demo files are not served", demo, "GET", "/demo/secret", 200, "function GET /demo/secret"},
		{"placeholder without a demo dir", filepath.Join(demo, "missing"), "GET", "/", 200, "<!doctype html>"},
		{"sign without a demo dir", "", "POST", "/sign", 200, "function POST /sign"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			frontHandler(sign, tt.demoDir).ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus || !strings.HasPrefix(rec.Body.String(), tt.wantBody) {
				t.Errorf("%s %s: got %d %q, want %d %q...", tt.method, tt.path, rec.Code, rec.Body.String(), tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// TestMinterCredentialsWorkAgainstOSS checks that every minted credential is
// fresh, STS-shaped and accepted by the OSS endpoint (security token included).
func TestMinterCredentialsWorkAgainstOSS(t *testing.T) {
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: "cn-hangzhou", Buckets: []string{"mint-test"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	mint := (&Stack{OSS: srv}).minter()
	seen := map[string]bool{}
	for i := range 3 {
		c := mint()
		if !strings.HasPrefix(c.AccessKeyID, "STS.") || c.AccessKeySecret == "" || c.SecurityToken == "" || seen[c.AccessKeyID] {
			t.Fatalf("credential %d: got AK %q (secret/token set: %v/%v), want a fresh STS.* triple", i, c.AccessKeyID, c.AccessKeySecret != "", c.SecurityToken != "")
		}
		seen[c.AccessKeyID] = true
		if d := time.Until(c.Expires); d < 59*time.Minute || d > time.Hour {
			t.Errorf("expires in %s, want about 1h", d)
		}
		cl, err := oss.New(hs.URL, c.AccessKeyID, c.AccessKeySecret, oss.SecurityToken(c.SecurityToken), oss.ForcePathStyle(true))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := cl.Bucket("mint-test")
		if err := b.PutObject("k", strings.NewReader("v")); err != nil {
			t.Errorf("PutObject with minted credential %d: %v", i, err)
		}
		wrong, _ := oss.New(hs.URL, c.AccessKeyID, c.AccessKeySecret, oss.ForcePathStyle(true))
		wb, _ := wrong.Bucket("mint-test")
		if err := wb.PutObject("k", strings.NewReader("v")); err == nil {
			t.Errorf("PutObject without the security token succeeded, want rejection")
		}
	}
}
