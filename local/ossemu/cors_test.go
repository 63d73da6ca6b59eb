package ossemu

import (
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestBucketCORS: PutBucketCors, GetBucketCors and DeleteBucketCors (the OSS
// API reference pages of those names) through aliyun-oss-go-sdk; a
// preflight is allowed by a rule whose origin (one "*" wildcard), method and
// headers (case-insensitive) all match, and answers that rule's methods,
// expose headers and max age; anything else is 403 AccessDenied; without
// rules the configured origins apply again.
func TestBucketCORS(t *testing.T) {
	f := newFixture(t, time.Now(), func(c *Config) { c.CORSOrigins = []string{"https://configured.example"} })
	c, err := oss.New(f.http.URL, testAK, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	b := sdkBucket(t, f, testAK, testSecret, "")
	if _, err := c.GetBucketCORS(testBucket); serviceCode(err) != "NoSuchCORSConfiguration" {
		t.Errorf("GetBucketCors without rules: got %v, want NoSuchCORSConfiguration", err)
	}
	rule := oss.CORSRule{
		AllowedOrigin: []string{"https://*.example.com"},
		AllowedMethod: []string{"PUT", "GET"},
		AllowedHeader: []string{"x-oss-meta-*", "Content-Type"},
		ExposeHeader:  []string{"ETag"},
		MaxAgeSeconds: 100,
	}
	if err := c.SetBucketCORS(testBucket, []oss.CORSRule{rule}); err != nil {
		t.Fatalf("PutBucketCors: %v", err)
	}
	got, err := c.GetBucketCORS(testBucket)
	if err != nil || len(got.CORSRules) != 1 || got.CORSRules[0].MaxAgeSeconds != 100 || got.CORSRules[0].AllowedOrigin[0] != rule.AllowedOrigin[0] {
		t.Errorf("GetBucketCors: got %+v, %v", got, err)
	}
	preflight := func(origin, method, headers string) (http.Header, error) {
		return b.OptionsMethod("k", oss.Origin(origin), oss.ACReqMethod(method), oss.ACReqHeaders(headers))
	}
	h, err := preflight("https://app.example.com", "PUT", "X-OSS-Meta-Author, content-type")
	if err != nil {
		t.Fatalf("allowed preflight: %v", err)
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "PUT, GET",
		"Access-Control-Expose-Headers": "ETag", "Access-Control-Max-Age": "100",
	} {
		if h.Get(name) != want {
			t.Errorf("preflight %s: got %q, want %q", name, h.Get(name), want)
		}
	}
	for _, c := range []struct{ name, origin, method, headers string }{
		{"origin", "https://app.example.org", "PUT", "content-type"},
		{"method", "https://app.example.com", "DELETE", "content-type"},
		{"header", "https://app.example.com", "PUT", "x-oss-acl"},
		{"configured-origin-under-rules", "https://configured.example", "PUT", "content-type"},
	} {
		if _, err := preflight(c.origin, c.method, c.headers); serviceCode(err) != "AccessDenied" {
			t.Errorf("%s: got %v, want AccessDenied", c.name, err)
		}
	}
	if err := c.DeleteBucketCORS(testBucket); err != nil {
		t.Fatal(err)
	}
	if _, err := preflight("https://configured.example", "DELETE", "x-oss-acl"); err != nil {
		t.Errorf("configured origin after DeleteBucketCors: %v", err)
	}
	bad := rule
	bad.AllowedMethod = []string{"PATCH"}
	if err := c.SetBucketCORS(testBucket, []oss.CORSRule{bad}); serviceCode(err) != "InvalidArgument" {
		t.Errorf("PutBucketCors with PATCH: got %v, want InvalidArgument", err)
	}
}
