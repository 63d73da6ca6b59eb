package ossemu

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"sync"
	"testing"
	"time"
)

// Test fixtures: obviously fake keys, a fixed region and bucket.
const (
	testRegion = "cn-hangzhou"
	testBucket = "ossgate-test"
	testAK     = "LTAI-TEST-AK"
	testSecret = "test-secret-not-real"
	stsAK      = "STS.TEST-AK"
	stsSecret  = "sts-secret-not-real"
	stsToken   = "sts-token-not-real"
)

// testClock is a settable clock for Config.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a Server behind an httptest server on 127.0.0.1.
type fixture struct {
	srv   *Server
	http  *httptest.Server
	clock *testClock
	dir   string
}

// newFixture starts a server with testAK (long-term) and stsAK (expires an
// hour after now) registered. mod may adjust the config.
func newFixture(t *testing.T, now time.Time, mod func(*Config)) *fixture {
	t.Helper()
	clock := &testClock{t: now}
	cfg := Config{
		DataDir: t.TempDir(), Region: testRegion, Buckets: []string{testBucket, "other-bucket"},
		MaxObjectSize: 1 << 20, CORSOrigins: []string{"http://127.0.0.1:8080"}, Now: clock.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.AddCredential(Credential{AccessKeyID: testAK, AccessKeySecret: testSecret})
	srv.AddCredential(Credential{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken, Expires: now.Add(time.Hour)})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &fixture{srv: srv, http: hs, clock: clock, dir: cfg.DataDir}
}

// filePart is the file part of a test form.
type filePart struct {
	Name, FileName, ContentType string
	Data                        []byte
}

// multipartBody encodes fields (in order) and then the parts.
func multipartBody(t testing.TB, fields [][2]string, parts ...filePart) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Name, p.FileName))
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.Data)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// post sends a multipart body to the bucket (path style) and returns the
// response with its body read.
func (f *fixture) post(t testing.TB, body []byte, contentType string) (*http.Response, []byte) {
	t.Helper()
	return f.do(t, http.MethodPost, "/"+testBucket, bytes.NewReader(body), http.Header{"Content-Type": {contentType}})
}

func (f *fixture) do(t testing.TB, method, path string, body io.Reader, h http.Header) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, f.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	client := *f.http.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, b
}

// ossError decodes an OSS XML error body.
func ossError(t testing.TB, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not OSS XML: %v\n%s", err, body)
	}
	return e
}
