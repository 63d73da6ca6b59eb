package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// TestStackSmoke proves the stack's paths with the no-op function: an HTTP
// request reaches the real binary through the FC front, an object put into
// the OSS endpoint comes back, and its OSS event reaches the record
// function through the async trigger path.
func TestStackSmoke(t *testing.T) {
	st := startStack(t, stack.Config{
		SignEnv:   []string{"OSSGATE_FUNCTION=empty"},
		RecordEnv: []string{"OSSGATE_FUNCTION=empty"},
		DemoDir:   repoRoot + "/clients",
	})

	t.Run("function front", func(t *testing.T) {
		resp, err := http.Get(st.SignURL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Fc-Request-Id") == "" {
			t.Errorf("GET /healthz: got %d (request id %q), want 204 from the empty function with a request id",
				resp.StatusCode, resp.Header.Get("X-Fc-Request-Id"))
		}
	})

	t.Run("oss round trip and trigger", func(t *testing.T) {
		st.OSS.AddCredential(ossemu.Credential{AccessKeyID: "LTAItestsmoke", AccessKeySecret: "fake-smoke-secret"})
		cl, err := oss.New(st.OSSURL, "LTAItestsmoke", "fake-smoke-secret", oss.ForcePathStyle(true))
		if err != nil {
			t.Fatal(err)
		}
		b, err := cl.Bucket(st.Bucket)
		if err != nil {
			t.Fatal(err)
		}
		const key, body = "uploads/smoke/hello.txt", "hello, ossgate"
		if err := b.PutObject(key, strings.NewReader(body), oss.ContentType("text/plain")); err != nil {
			t.Fatalf("PutObject: %v", err)
		}
		r, err := b.GetObject(key)
		if err != nil {
			t.Fatalf("GetObject: %v", err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != body {
			t.Errorf("GetObject: got %q, want %q", got, body)
		}
		drainRecords(t, st)
		if s := st.Record.AsyncStats(); s.Delivered != 1 || s.Failed != 0 {
			t.Errorf("record trigger: got %+v, want exactly 1 delivered, 0 failed", s)
		}
	})

	t.Run("demo page", func(t *testing.T) {
		for _, path := range []string{"/", "/demo/web/", "/demo/web/app.js", "/demo/core/uploader.js"} {
			resp, err := http.Get(st.SignURL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: got %d, want 200", path, resp.StatusCode)
			}
		}
	})
}
