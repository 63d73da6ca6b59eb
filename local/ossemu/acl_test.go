package ossemu

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestObjectACL: x-oss-object-acl on PutObject sets an object's ACL,
// PutObjectACL (PUT ?acl) changes it without touching the bytes,
// GetObjectACL (GET ?acl) answers it, "default" when none was set, and an
// unknown value is InvalidArgument (the PutObjectACL and GetObjectACL pages
// of the OSS API reference; aliyun-oss-go-sdk oss/bucket.go SetObjectACL,
// GetObjectACL).
func TestObjectACL(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			f := newFixture(t, time.Now(), nil)
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			if err := b.PutObject("acl/plain", strings.NewReader("p")); err != nil {
				t.Fatal(err)
			}
			if err := b.PutObject("acl/set", strings.NewReader("bytes"), oss.ObjectACL(oss.ACLPublicRead)); err != nil {
				t.Fatal(err)
			}
			acl := func(key string) string {
				t.Helper()
				r, err := b.GetObjectACL(key)
				if err != nil {
					t.Fatalf("GetObjectACL %s: %v", key, err)
				}
				return r.ACL
			}
			if got := acl("acl/plain"); got != "default" {
				t.Errorf("no ACL set: got %q, want default", got)
			}
			if got := acl("acl/set"); got != "public-read" {
				t.Errorf("set on PutObject: got %q, want public-read", got)
			}
			if err := b.SetObjectACL("acl/set", oss.ACLPrivate); err != nil {
				t.Fatal(err)
			}
			if got := acl("acl/set"); got != "private" {
				t.Errorf("after PutObjectACL: got %q, want private", got)
			}
			r, err := b.GetObject("acl/set")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(r)
			r.Close()
			if string(body) != "bytes" {
				t.Errorf("body after PutObjectACL: got %q, want bytes", body)
			}
			if got := serviceCode(b.SetObjectACL("acl/set", "everyone")); got != "InvalidArgument" {
				t.Errorf("unknown ACL: got %s, want InvalidArgument", got)
			}
			if got := serviceCode(b.SetObjectACL("acl/missing", oss.ACLPrivate)); got != "NoSuchKey" {
				t.Errorf("missing object: got %s, want NoSuchKey", got)
			}
		})
	}
}

// TestACLAtComplete: x-oss-object-acl on CompleteMultipartUpload sets the
// object's ACL (the CompleteMultipartUpload page of the OSS API reference;
// alibabacloud-oss-go-sdk-v2's uploader applies the ACL there).
func TestACLAtComplete(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	imur, err := b.InitiateMultipartUpload("acl/mp")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.UploadPart(imur, strings.NewReader("x"), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{p}, oss.ObjectACL(oss.ACLPrivate)); err != nil {
		t.Fatal(err)
	}
	if r, err := b.GetObjectACL("acl/mp"); err != nil || r.ACL != "private" {
		t.Errorf("ACL: got %+v (%v), want private", r, err)
	}
}
