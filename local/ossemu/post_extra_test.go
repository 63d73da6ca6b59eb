package ossemu

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestPostObjectBehaviours covers answers besides accept/reject: redirect,
// forbid-overwrite, virtual-host addressing, content type precedence and
// the size limits enforced while streaming.
func TestPostObjectBehaviours(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, now, func(c *Config) { c.MaxObjectSize = 100 << 10 })
	post := func(t *testing.T, g goForm, parts ...filePart) (*http.Response, []byte) {
		t.Helper()
		body, ct := multipartBody(t, g.fields(t), parts...)
		return f.post(t, body, ct)
	}
	t.Run("redirect", func(t *testing.T) {
		resp, _ := post(t, stsForm("r/a.png", now, [2]string{"success_action_redirect", "https://example.test/done?x=1"}), fileOf(pngData))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status: got %d, want 303", resp.StatusCode)
		}
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		q := loc.Query()
		if loc.Host != "example.test" || q.Get("x") != "1" || q.Get("bucket") != testBucket || q.Get("key") != "r/a.png" || q.Get("etag") != resp.Header.Get("ETag") {
			t.Errorf("Location: got %s, want example.test/done with x, bucket, key, etag", loc)
		}
	})
	t.Run("forbid-overwrite", func(t *testing.T) {
		g := stsForm("r/once.png", now, [2]string{"x-oss-forbid-overwrite", "true"})
		if resp, body := post(t, g, fileOf(pngData)); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("first: got %d %s, want 204", resp.StatusCode, body)
		}
		resp, body := post(t, g, fileOf(pngData))
		if e := ossError(t, body); resp.StatusCode != http.StatusConflict || e.Code != "FileAlreadyExists" {
			t.Errorf("second: got %d %s, want 409 FileAlreadyExists", resp.StatusCode, e.Code)
		}
	})
	t.Run("virtual-host", func(t *testing.T) {
		body, ct := multipartBody(t, stsForm("r/vhost.png", now).fields(t), fileOf(pngData))
		req, _ := http.NewRequest(http.MethodPost, f.http.URL+"/", bytes.NewReader(body))
		req.Host = testBucket + ".oss-cn-hangzhou.localhost"
		req.Header.Set("Content-Type", ct)
		resp, err := f.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status: got %d, want 204", resp.StatusCode)
		}
		if _, err := f.srv.store.Open(testBucket, "r/vhost.png"); err != nil {
			t.Errorf("stored: %v", err)
		}
	})
	t.Run("content-type-precedence", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			fields [][2]string
			part   string
			want   string
		}{
			{"form-field", [][2]string{{"Content-Type", "image/png"}, {"x-oss-content-type", "image/gif"}}, "text/plain", "image/png"},
			{"x-oss-content-type", [][2]string{{"x-oss-content-type", "image/gif"}}, "text/plain", "image/gif"},
			{"part", nil, "text/plain", "text/plain"},
			{"extension", nil, "", "image/jpeg"},
		} {
			t.Run(c.name, func(t *testing.T) {
				key := "ct/" + c.name + ".jpg"
				p := fileOf(pngData)
				p.ContentType = c.part
				if resp, body := post(t, stsForm(key, now, c.fields...), p); resp.StatusCode != http.StatusNoContent {
					t.Fatalf("got %d %s, want 204", resp.StatusCode, body)
				}
				o, err := f.srv.store.Open(testBucket, key)
				if err != nil {
					t.Fatal(err)
				}
				defer o.Close()
				if o.Meta.ContentType != c.want {
					t.Errorf("content type: got %q, want %q", o.Meta.ContentType, c.want)
				}
			})
		}
	})
	t.Run("limits", func(t *testing.T) {
		big := fileOf(make([]byte, 100<<10+1))
		many := stsForm("r/many.png", now)
		for i := range maxFormFields {
			many.Fields = append(many.Fields, [2]string{"x-oss-meta-f" + strings.Repeat("x", i), "1"})
		}
		cases := []struct {
			name, code string
			g          goForm
			part       filePart
		}{
			{"over-max-object-size", "EntityTooLarge", with2(stsForm("r/big.bin", now), []any{"content-length-range", 0, 1 << 30}), big},
			{"field-too-long", "InvalidArgument", stsForm("r/long.png", now, [2]string{"x-oss-meta-a", strings.Repeat("a", maxFieldBytes+1)}), fileOf(pngData)},
			{"user-meta-over-8k", "InvalidArgument", stsForm("r/meta.png", now, [2]string{"x-oss-meta-a", strings.Repeat("a", 5<<10)}, [2]string{"x-oss-meta-b", strings.Repeat("b", 5<<10)}), fileOf(pngData)},
			{"too-many-fields", "MalformedPOSTRequest", many, fileOf(pngData)},
			{"empty-key", "InvalidArgument", stsForm("", now), fileOf(pngData)},
			{"duplicate-field", "InvalidArgument", stsForm("r/dup.png", now, [2]string{"x-oss-meta-a", "1"}, [2]string{"X-OSS-META-A", "1"}), fileOf(pngData)},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, body := post(t, c.g, c.part)
				if e := ossError(t, body); e.Code != c.code || resp.StatusCode != http.StatusBadRequest {
					t.Errorf("got %d %s (%s), want 400 %s", resp.StatusCode, e.Code, e.Message, c.code)
				}
			})
		}
		if tmp := tempFiles(t, f.dir); len(tmp) != 0 {
			t.Errorf("temp files left: %v", tmp)
		}
	})
}

func with2(g goForm, cond ...any) goForm {
	g.Conditions = append(g.Conditions, cond...)
	return g
}

// TestCORS checks preflight and response headers for allowed and other
// origins.
func TestCORS(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	pre := http.Header{"Origin": {"http://127.0.0.1:8080"}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type,x-requested-with"}}
	resp, _ := f.do(t, http.MethodOptions, "/"+testBucket, nil, pre)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8080" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "PUT") ||
		h.Get("Access-Control-Allow-Headers") != "content-type,x-requested-with" || !strings.Contains(h.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("allowed preflight: got %d %v", resp.StatusCode, h)
	}
	pre.Set("Origin", "http://evil.test")
	resp, body := f.do(t, http.MethodOptions, "/"+testBucket, nil, pre)
	if e := ossError(t, body); resp.StatusCode != http.StatusForbidden || e.Code != "AccessDenied" || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin preflight: got %d %s %v, want 403 AccessDenied without CORS headers", resp.StatusCode, e.Code, resp.Header)
	}
	resp, _ = f.do(t, http.MethodGet, "/"+testBucket+"/x", nil, http.Header{"Origin": {"http://127.0.0.1:8080"}})
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8080" {
		t.Errorf("error answer to allowed origin: got %d %v, want 403 with Allow-Origin", resp.StatusCode, resp.Header)
	}
	star := newFixture(t, time.Now(), func(c *Config) { c.CORSOrigins = []string{"*"} })
	resp, _ = star.do(t, http.MethodOptions, "/"+testBucket, nil, pre)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("* preflight: got %d %v", resp.StatusCode, resp.Header)
	}
}

// TestAddressing checks bucket resolution and unknown buckets.
func TestAddressing(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	cases := []struct {
		host, path, bucket, key string
		ok                      bool
	}{
		{"127.0.0.1:9000", "/ossgate-test/a/b.png", testBucket, "a/b.png", true},
		{"localhost", "/ossgate-test/", testBucket, "", true},
		{"ossgate-test.oss-cn-hangzhou.aliyuncs.com", "/a//b", testBucket, "a//b", true},
		{"oss-cn-hangzhou.aliyuncs.com", "/other-bucket/k", "other-bucket", "k", true},
		{"127.0.0.1", "/nope/k", "nope", "k", false},
		{"nope.localhost", "/k", "k", "", false},
	}
	for _, c := range cases {
		t.Run(c.host+c.path, func(t *testing.T) {
			r := &http.Request{Host: c.host, URL: &url.URL{Path: c.path}}
			b, k, ok := f.srv.address(r)
			if b != c.bucket || k != c.key || ok != c.ok {
				t.Errorf("got %q %q %v, want %q %q %v", b, k, ok, c.bucket, c.key, c.ok)
			}
		})
	}
	resp, body := f.do(t, http.MethodGet, "/nope/k", nil, nil)
	if e := ossError(t, body); resp.StatusCode != http.StatusNotFound || e.Code != "NoSuchBucket" {
		t.Errorf("unknown bucket: got %d %s, want 404 NoSuchBucket", resp.StatusCode, e.Code)
	}
}

// TestParseRange checks the Range forms OSS honours.
func TestParseRange(t *testing.T) {
	cases := []struct {
		in          string
		first, last int64
		ok          bool
	}{
		{"bytes=0-0", 0, 0, true},
		{"bytes=2-5", 2, 5, true},
		{"bytes=5-", 5, 9, true},
		{"bytes=-3", 7, 9, true},
		{"bytes=-30", 0, 9, true},
		{"bytes=8-100", 8, 9, true},
		{"bytes=10-12", 0, 0, false},
		{"bytes=5-2", 0, 0, false},
		{"bytes=0-1,3-4", 0, 0, false},
		{"items=0-1", 0, 0, false},
		{"bytes=-", 0, 0, false},
		{"bytes=x-1", 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			a, b, ok := parseRange(c.in, 10)
			if a != c.first || b != c.last || ok != c.ok {
				t.Errorf("got %d-%d %v, want %d-%d %v", a, b, ok, c.first, c.last, c.ok)
			}
		})
	}
}
