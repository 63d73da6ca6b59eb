package ossemu

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestUnknownSubresourceKeepsData: OSS selects the operation by the
// sub-resource as much as by the method (DeleteObject
// of a version DELETE /key?versionId: the OSS API reference pages of those
// operations, and
// aliyun-oss-go-sdk oss/conn.go signKeyList). The local OSS does not
// implement them, so it must refuse them as OSS refuses functionality it
// does not implement (501 NotImplemented), and the object must keep its
// bytes: served as a plain PUT they replaced it with an empty body, served
// as a plain GET they returned its bytes.
func TestUnknownSubresourceKeepsData(t *testing.T) {
	const key, body = "keep/data.txt", "precious bytes"
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			f := newFixture(t, time.Now(), nil)
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			if err := b.PutObject(key, strings.NewReader(body)); err != nil {
				t.Fatal(err)
			}
			calls := []struct {
				name string
				call func() error
			}{
				{"DeleteObject-versionId", func() error { return b.DeleteObject(key, oss.VersionId("v1")) }},
				{"GetObject-unknown-param", func() error {
					r, err := b.GetObject(key, oss.AddParam("x-oss-unknown", "1"))
					if err == nil {
						r.Close()
					}
					return err
				}},
			}
			for _, c := range calls {
				if got := serviceCode(c.call()); got != "NotImplemented" {
					t.Errorf("%s: got %s, want NotImplemented", c.name, got)
				}
			}
			r, err := b.GetObject(key)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got, _ := io.ReadAll(r); string(got) != body {
				t.Errorf("object after the refused calls: got %q, want %q", got, body)
			}
		})
	}
}

// TestUnknownSubresourceRefusedUnsigned: the refusal comes from the route,
// before any handler, so a request the emulator does not understand gets
// 501 whatever else it carries, on a key or on the bucket (GetBucketAcl is
// GET /?acl, not ListObjects).
func TestUnknownSubresourceRefusedUnsigned(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	for _, c := range []struct{ method, path string }{
		{http.MethodPut, "/" + testBucket + "/k?x-oss-unknown"},
		{http.MethodGet, "/" + testBucket + "/k?x-oss-unknown"},
		{http.MethodPost, "/" + testBucket + "/k?x-oss-async-process"},
		{http.MethodGet, "/" + testBucket + "/?acl"},
		{http.MethodPut, "/" + testBucket + "/?versioning"},
	} {
		resp, b := f.do(t, c.method, c.path, strings.NewReader(""), nil)
		if resp.StatusCode != http.StatusNotImplemented || ossError(t, b).Code != "NotImplemented" {
			t.Errorf("%s %s: got %d %s, want 501 NotImplemented", c.method, c.path, resp.StatusCode, b)
		}
	}
}

// TestHeadIgnoresUnknownParams: OSS ignores query parameters that are no
// sub-resource; a listing (ali-oss 6.23.0's "should encode variant object
// keys" lists with "prefixz") and a HEAD (which returns no data) with such parameters reach
// the object (aliyun-oss-go-sdk oss/bucket_test.go TestQueryStringAuthV4
// expects 404 for a missing key, not a refusal), while a HEAD naming a
// sub-resource the emulator does not implement is still refused.
func TestHeadIgnoresUnknownParams(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "", authModes[1].opts...)
	_, err := b.GetObjectDetailedMeta("missing", oss.AddParam("abc", "1"), oss.AddParam("|abc", "2"))
	if got := serviceCode(err); got != "NoSuchKey" {
		t.Errorf("HEAD with unknown parameters: got %s, want NoSuchKey", got)
	}
	lor, err := b.ListObjects(oss.AddParam("prefixz", "x"))
	if err != nil || len(lor.Objects) != 0 {
		t.Errorf("ListObjects with a parameter that is no sub-resource: got %v, %v; want an empty listing", lor.Objects, err)
	}
	if _, err := b.ListObjects(oss.AddParam("acl", "")); serviceCode(err) != "NotImplemented" {
		t.Errorf("GET /?acl: got %v, want NotImplemented", err)
	}
	_, err = b.GetObjectDetailedMeta("missing", oss.AddParam("restore", ""))
	if got := serviceCode(err); got != "NotImplemented" {
		t.Errorf("HEAD ?restore: got %s, want NotImplemented", got)
	}
}
