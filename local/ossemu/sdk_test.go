package ossemu

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
)

// sdkBucket returns the Go SDK's view of testBucket on f, signed with the
// given key (V1 header signatures, the SDK v3 default, unless opts say).
func sdkBucket(t *testing.T, f *fixture, ak, secret, token string, opts ...oss.ClientOption) *oss.Bucket {
	t.Helper()
	opts = append([]oss.ClientOption{oss.Timeout(5, 10)}, opts...)
	if token != "" {
		opts = append(opts, oss.SecurityToken(token))
	}
	c, err := oss.New(f.http.URL, ak, secret, opts...)
	if err != nil {
		t.Fatalf("oss.New: %v", err)
	}
	b, err := c.Bucket(testBucket)
	if err != nil {
		t.Fatalf("Bucket: %v", err)
	}
	return b
}

func serviceCode(err error) string {
	var se oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	return fmt.Sprintf("not a service error: %v", err)
}

// authModes are the SDK's header signatures: V1 (the v3 default) and V4
// (what function/internal/ossclient uses).
var authModes = []struct {
	name string
	opts []oss.ClientOption
}{
	{"v1", nil},
	{"v4", []oss.ClientOption{oss.AuthVersion(oss.AuthV4), oss.Region(testRegion)}},
}

// TestSDKRoundTrip drives the object API with aliyun-oss-go-sdk v3, signed
// with V1 and with V4.
func TestSDKRoundTrip(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) { sdkRoundTrip(t, m.opts) })
	}
}

func sdkRoundTrip(t *testing.T, opts []oss.ClientOption) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, stsAK, stsSecret, stsToken, opts...)
	const key = "dir/hello world+中.txt"
	if err := b.PutObject(key, strings.NewReader("hello world"), oss.ContentType("text/plain"), oss.Meta("Uploader", "u1"),
		oss.CacheControl("no-cache"), oss.ContentDisposition(`attachment; filename="a.txt"`)); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	t.Run("head", func(t *testing.T) {
		h, err := b.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatalf("HeadObject: %v", err)
		}
		got := map[string]string{}
		for _, k := range []string{"Content-Type", "Content-Length", "ETag", "X-Oss-Meta-Uploader", "Cache-Control", "Content-Disposition"} {
			got[k] = h.Get(k)
		}
		want := map[string]string{"Content-Type": "text/plain", "Content-Length": "11", "ETag": `"5EB63BBBE01EEED093CB22BB8F5ACDC3"`,
			"X-Oss-Meta-Uploader": "u1", "Cache-Control": "no-cache", "Content-Disposition": `attachment; filename="a.txt"`}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("HeadObject (-want +got):\n%s", diff)
		}
		if _, err := http.ParseTime(h.Get("Last-Modified")); err != nil {
			t.Errorf("Last-Modified %q: %v", h.Get("Last-Modified"), err)
		}
	})
	t.Run("get", func(t *testing.T) {
		for _, c := range []struct {
			name string
			opts []oss.Option
			want string
		}{
			{"whole", nil, "hello world"},
			{"range", []oss.Option{oss.Range(2, 5)}, "llo "},
			{"range-past-end", []oss.Option{oss.Range(6, 100)}, "world"},
			{"unsatisfiable-range-ignored", []oss.Option{oss.Range(50, 60)}, "hello world"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r, err := b.GetObject(key, c.opts...)
				if err != nil {
					t.Fatalf("GetObject: %v", err)
				}
				got, err := io.ReadAll(r)
				r.Close()
				if err != nil || string(got) != c.want {
					t.Errorf("got %q (%v), want %q", got, err, c.want)
				}
			})
		}
	})
	t.Run("unsatisfiable-range-standard", func(t *testing.T) {
		_, err := b.GetObject(key, oss.Range(50, 60), oss.RangeBehavior("standard"))
		if got := serviceCode(err); got != "InvalidRange" {
			t.Errorf("got %s, want InvalidRange", got)
		}
	})
	t.Run("copy-delete", func(t *testing.T) {
		if _, err := b.CopyObject(key, "quarantine/x.txt"); err != nil {
			t.Fatalf("CopyObject: %v", err)
		}
		if err := b.DeleteObject(key); err != nil {
			t.Fatalf("DeleteObject: %v", err)
		}
		if _, err := b.GetObject(key); serviceCode(err) != "NoSuchKey" {
			t.Errorf("GetObject after delete: got %v, want NoSuchKey", err)
		}
		if err := b.DeleteObject(key); err != nil {
			t.Errorf("DeleteObject of a missing key: got %v, want success (204)", err)
		}
		h, err := b.GetObjectDetailedMeta("quarantine/x.txt")
		if err != nil || h.Get("X-Oss-Meta-Uploader") != "u1" || h.Get("Content-Type") != "text/plain" {
			t.Errorf("copy: got meta %v (%v), want uploader u1, text/plain", h, err)
		}
	})
	t.Run("tagging", func(t *testing.T) {
		tags := oss.Tagging{Tags: []oss.Tag{{Key: "state", Value: "quarantined"}}}
		if err := b.PutObjectTagging("quarantine/x.txt", tags); err != nil {
			t.Fatalf("PutObjectTagging: %v", err)
		}
		got, err := b.GetObjectTagging("quarantine/x.txt")
		if err != nil || len(got.Tags) != 1 || got.Tags[0].Key != "state" || got.Tags[0].Value != "quarantined" {
			t.Errorf("GetObjectTagging: got %+v (%v), want state=quarantined", got, err)
		}
	})
	t.Run("forbid-overwrite", func(t *testing.T) {
		err := b.PutObject("quarantine/x.txt", strings.NewReader("x"), oss.ForbidOverWrite(true))
		if serviceCode(err) != "FileAlreadyExists" {
			t.Errorf("got %v, want FileAlreadyExists", err)
		}
	})
}

// TestSDKList pages ListObjectsV2 over more objects than max-keys.
func TestSDKList(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) { sdkList(t, m.opts) })
	}
}

func sdkList(t *testing.T, opts []oss.ClientOption) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "", opts...)
	var want []string
	for i := range 23 {
		k := fmt.Sprintf("records/%02d 中.json", i)
		want = append(want, k)
		if err := b.PutObject(k, strings.NewReader("{}")); err != nil {
			t.Fatalf("PutObject: %v", err)
		}
	}
	for _, k := range []string{"other/a", "records/sub/a", "records/sub/b", "recordz"} {
		if err := b.PutObject(k, strings.NewReader("x")); err != nil {
			t.Fatalf("PutObject: %v", err)
		}
	}
	var got []string
	var prefixes []string
	token, pages := "", 0
	for {
		res, err := b.ListObjectsV2(oss.Prefix("records/"), oss.Delimiter("/"), oss.MaxKeys(5), oss.ContinuationToken(token))
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		pages++
		for _, o := range res.Objects {
			got = append(got, o.Key)
		}
		prefixes = append(prefixes, res.CommonPrefixes...)
		if !res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
		if pages > 10 {
			t.Fatal("too many pages")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"records/sub/"}, prefixes); diff != "" {
		t.Errorf("common prefixes (-want +got):\n%s", diff)
	}
	if pages != 5 {
		t.Errorf("pages: got %d, want 5 (24 entries, 5 per page)", pages)
	}
	res, err := b.ListObjectsV2(oss.StartAfter("records/20 中.json"), oss.Prefix("records/"))
	if err != nil || len(res.Objects) != 4 || res.Objects[0].Key != "records/21 中.json" {
		t.Errorf("start-after: got %+v (%v), want 21, 22, sub/a, sub/b", res.Objects, err)
	}
}

// TestSDKAuthRejected checks header-signed requests with bad credentials.
func TestSDKAuthRejected(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	f.srv.AddCredential(Credential{AccessKeyID: "STS.OLD", AccessKeySecret: stsSecret, SecurityToken: stsToken, Expires: time.Now().Add(-time.Minute)})
	cases := []struct {
		name, ak, secret, token, want string
		opts                          []oss.ClientOption
	}{
		{name: "unknown-ak", ak: "LTAI-UNKNOWN", secret: testSecret, want: "InvalidAccessKeyId"},
		{name: "expired-token", ak: "STS.OLD", secret: stsSecret, token: stsToken, want: "SecurityTokenExpired"},
		{name: "missing-token", ak: stsAK, secret: stsSecret, want: "InvalidAccessKeyId"},
		{name: "wrong-token", ak: stsAK, secret: stsSecret, token: "other", want: "InvalidSecurityToken"},
		{name: "wrong-secret-v1", ak: testAK, secret: "wrong", want: "SignatureDoesNotMatch"},
		{name: "v4-unknown-ak", ak: "LTAI-UNKNOWN", secret: testSecret, want: "InvalidAccessKeyId", opts: authModes[1].opts},
		{name: "v4-wrong-secret", ak: testAK, secret: "wrong", want: "SignatureDoesNotMatch", opts: authModes[1].opts},
		{name: "v4-missing-token", ak: stsAK, secret: stsSecret, want: "InvalidAccessKeyId", opts: authModes[1].opts},
		{name: "v4-wrong-region", ak: testAK, secret: testSecret, want: "InvalidArgument",
			opts: []oss.ClientOption{oss.AuthVersion(oss.AuthV4), oss.Region("cn-shanghai")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := sdkBucket(t, f, c.ak, c.secret, c.token, c.opts...)
			err := b.PutObject("a.txt", strings.NewReader("x"))
			if got := serviceCode(err); got != c.want {
				t.Errorf("PutObject: got %s, want %s", got, c.want)
			}
		})
	}
	t.Run("v4-known-ak", func(t *testing.T) {
		b := sdkBucket(t, f, stsAK, stsSecret, stsToken, oss.AuthVersion(oss.AuthV4), oss.Region(testRegion))
		if err := b.PutObject("v4.txt", strings.NewReader("x")); err != nil {
			t.Errorf("PutObject V4: got %v, want success", err)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		resp, body := f.do(t, http.MethodGet, "/"+testBucket+"/v4.txt", nil, nil)
		if e := ossError(t, body); resp.StatusCode != http.StatusForbidden || e.Code != "AccessDenied" {
			t.Errorf("got %d %s, want 403 AccessDenied", resp.StatusCode, e.Code)
		}
	})
}

// TestPutChunked: OSS accepts PutObject with Transfer-Encoding: chunked
// and no Content-Length (ali-oss 6.23.0 test/node/object.test.js "should use
// chunked encoding"; aliyun-oss-go-sdk sends an empty body that way), up to
// the object size limit.
func TestPutChunked(t *testing.T) {
	f := newFixture(t, time.Now(), func(c *Config) { c.MaxObjectSize = 4 })
	for _, c := range []struct {
		body       string
		wantStatus int
	}{
		{"abc", http.StatusOK},
		{"", http.StatusOK},
		{"abcde", http.StatusBadRequest},
	} {
		resp, body := putChunked(t, f, "chunked.txt", c.body)
		if resp.StatusCode != c.wantStatus {
			t.Errorf("%q: got %d %s, want %d", c.body, resp.StatusCode, body, c.wantStatus)
		}
		if c.wantStatus != http.StatusOK {
			if e := ossError(t, body); e.Code != "EntityTooLarge" {
				t.Errorf("%q: got %s, want EntityTooLarge", c.body, e.Code)
			}
			continue
		}
		o, err := f.srv.store.Open(testBucket, "chunked.txt")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(o.Body(0, o.Meta.Size))
		o.Close()
		if string(got) != c.body {
			t.Errorf("stored: got %q, want %q", got, c.body)
		}
	}
}

// putChunked sends a V1-signed chunked PutObject of body.
func putChunked(t *testing.T, f *fixture, key, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, f.http.URL+"/"+testBucket+"/"+key, io.NopCloser(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	q := &request{r: req, bucket: testBucket, key: key}
	req.Header.Set("Authorization", "OSS "+testAK+":"+signV1(testSecret, q, req.Header.Get("Date")))
	resp, err := f.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
