package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// TestStackSmoke starts the stack as `make run` does (real sign and record
// functions, anonymous signing, the demo page) and proves each path once:
// the function front, the demo page, the OSS endpoint, and a browser-style
// upload from the demo page's origin whose event reaches the record function.
func TestStackSmoke(t *testing.T) {
	st := startStack(t, stack.Config{Anonymous: true, DemoDir: repoRoot + "/clients"})

	t.Run("sign function front", func(t *testing.T) {
		resp, err := http.Get(st.SignURL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Fc-Request-Id") == "" {
			t.Errorf("GET /healthz: got %d %s (request id %q), want 200 from the sign function with a request id",
				resp.StatusCode, body, resp.Header.Get("X-Fc-Request-Id"))
		}
	})

	t.Run("demo page", func(t *testing.T) {
		for _, path := range []string{"/", "/demo/web/", "/demo/web/app.js"} {
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

	t.Run("oss round trip", func(t *testing.T) {
		st.OSS.AddCredential(ossemu.Credential{AccessKeyID: "LTAItestsmoke", AccessKeySecret: "fake-smoke-secret"})
		cl, err := oss.New(st.OSSURL, "LTAItestsmoke", "fake-smoke-secret", oss.ForcePathStyle(true))
		if err != nil {
			t.Fatal(err)
		}
		b, err := cl.Bucket(st.Bucket)
		if err != nil {
			t.Fatal(err)
		}
		const key, body = "smoke/hello.txt", "hello, ossgate" // outside uploads/: no event
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
	})

	t.Run("upload from the demo origin reaches the record function", func(t *testing.T) {
		ticket := smokeSign(t, st)
		status, acao := smokePost(t, ticket, st.SignURL, []byte("\x89PNG\r\n\x1a\nsmoke"))
		if status/100 != 2 || acao != st.SignURL {
			t.Fatalf("POST upload from %s: got %d (Access-Control-Allow-Origin %q), want 2xx allowed for the page's origin", st.SignURL, status, acao)
		}
		drainRecords(t, st)
		if s := st.Record.AsyncStats(); s.Delivered != 1 || s.Failed != 0 {
			t.Errorf("record trigger: got %+v, want 1 delivered, 0 failed", s)
		}
	})
}

type smokeTicket struct {
	URL    string            `json:"url"`
	Fields map[string]string `json:"fields"`
}

// smokeSign asks for an anonymous ticket for one small PNG.
func smokeSign(t *testing.T, st *stack.Stack) smokeTicket {
	t.Helper()
	body := `{"profile":"image","files":[{"name":"smoke.png","type":"image/png","size":13}]}`
	resp, err := http.Post(st.SignURL+"/sign", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var res struct{ Uploads []smokeTicket }
	if err := json.Unmarshal(b, &res); resp.StatusCode != http.StatusOK || err != nil || len(res.Uploads) != 1 {
		t.Fatalf("POST /sign: got %d %s, want 200 with one upload", resp.StatusCode, b)
	}
	return res.Uploads[0]
}

// smokePost posts the ticket's form with data as the file, as a browser on
// origin would; it returns the status and Access-Control-Allow-Origin.
func smokePost(t *testing.T, tk smokeTicket, origin string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range tk.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "smoke.png")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, tk.URL, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin")
}
