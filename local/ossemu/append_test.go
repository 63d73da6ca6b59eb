package ossemu

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
)

// TestAppendObject follows the AppendObject page of the OSS API reference:
// position 0 creates an Appendable object, each append answers the next
// position, a wrong position is 409 PositionNotEqualToLength, appending to
// a Normal object 409 ObjectNotAppendable, and the object keeps the
// metadata of its first append (aliyun-oss-go-sdk oss/bucket_test.go
// TestAppendObject and TestAppendObjectNegative expect the same of OSS).
func TestAppendObject(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	next, err := b.AppendObject("ap/log.txt", strings.NewReader("abc"), 0, oss.ContentType("text/x-log"))
	if err != nil {
		t.Fatal(err)
	}
	if next != 3 {
		t.Errorf("next position after 3 bytes: got %d, want 3", next)
	}
	if next, err = b.AppendObject("ap/log.txt", strings.NewReader("de"), next, oss.ContentType("text/other"), oss.ObjectACL(oss.ACLPublicRead)); err != nil || next != 5 {
		t.Fatalf("second append: next %d, err %v; want 5", next, err)
	}
	if r, err := b.GetObjectACL("ap/log.txt"); err != nil || r.ACL != "public-read" {
		t.Errorf("ACL set by the second append: got %+v (%v), want public-read", r, err)
	}
	_, err = b.AppendObject("ap/log.txt", strings.NewReader("x"), 3)
	if got := serviceCode(err); got != "PositionNotEqualToLength" {
		t.Errorf("stale position: got %s, want PositionNotEqualToLength", got)
	}
	r, err := b.GetObject("ap/log.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r)
	r.Close()
	h, err := b.GetObjectDetailedMeta("ap/log.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"abcde", "Appendable", "text/x-log", "", "5"}, []string{string(body),
		h.Get("x-oss-object-type"), h.Get("Content-Type"), h.Get("Content-MD5"), h.Get("x-oss-next-append-position")}); diff != "" {
		t.Errorf("object (-want +got):\n%s", diff)
	}
	if err := b.PutObject("ap/normal.txt", strings.NewReader("n")); err != nil {
		t.Fatal(err)
	}
	_, err = b.AppendObject("ap/normal.txt", strings.NewReader("x"), 1)
	if got := serviceCode(err); got != "ObjectNotAppendable" {
		t.Errorf("append to a Normal object: got %s, want ObjectNotAppendable", got)
	}
	resp, _ := signedDo(t, f, http.MethodPost, "ap/new.txt", "append&position=7", "x", nil)
	if resp.StatusCode != http.StatusConflict || resp.Header.Get("x-oss-next-append-position") != "0" {
		t.Errorf("position 7 on a missing key: got %d next %q, want 409 next 0", resp.StatusCode, resp.Header.Get("x-oss-next-append-position"))
	}
}

// TestAppendFirstRequestMetadata: the first append sets the object's tags
// and encryption as PutObject would; KMS without a key id answers the
// default key's id (the AppendObject page; alibabacloud-oss-go-sdk-v2's
// TestAppendObject and TestClientAppendFile expect both of OSS).
func TestAppendFirstRequestMetadata(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	var h http.Header
	if _, err := b.AppendObject("ap/t.txt", strings.NewReader("a"), 0, oss.SetTagging(oss.Tagging{Tags: []oss.Tag{{Key: "k", Value: "v"}}}),
		oss.ServerSideEncryption("KMS"), oss.GetResponseHeader(&h)); err != nil {
		t.Fatal(err)
	}
	if h.Get("x-oss-server-side-encryption") != "KMS" || h.Get("x-oss-server-side-encryption-key-id") == "" {
		t.Errorf("append answer: SSE %q key %q, want KMS and a key id", h.Get("x-oss-server-side-encryption"), h.Get("x-oss-server-side-encryption-key-id"))
	}
	if m, err := b.GetObjectDetailedMeta("ap/t.txt"); err != nil || m.Get("x-oss-tagging-count") != "1" {
		t.Errorf("tags: %v (%v), want 1 tag", m, err)
	}
}
