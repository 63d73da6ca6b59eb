package ossemu

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestMultipartETag: OSS's multipart ETag is the upper-case hex MD5 of the
// parts' ETags as upper-case hex text, "-", the part count. The Go SDK v3's
// tests pin "2351E662233817A7AE974D8C5B0876DD-5" for their sample image in
// five 100 KiB parts (aliyun-oss-go-sdk oss/download_test.go), which this
// formula gives and S3's (MD5 of the binary digests) does not. Parts
// "a"×100 KiB and "b" give 8CB0E9C4…-2 (S3's would be D61C888E…-2); an
// upload completed with no part gives the MD5 of nothing, "-0".
func TestMultipartETag(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	complete := func(key string, bodies ...string) string {
		t.Helper()
		imur, err := b.InitiateMultipartUpload(key)
		if err != nil {
			t.Fatal(err)
		}
		var parts []oss.UploadPart
		for i, s := range bodies {
			p, err := b.UploadPart(imur, strings.NewReader(s), int64(len(s)), i+1)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
		res, err := b.CompleteMultipartUpload(imur, parts)
		if err != nil {
			t.Fatalf("complete %s: %v", key, err)
		}
		return res.ETag
	}
	if got, want := complete("etag/two", strings.Repeat("a", 100<<10), "b"), `"8CB0E9C485EDDD0078747AB04DE049E9-2"`; got != want {
		t.Errorf("two parts: got %s, want %s", got, want)
	}
	if got, want := complete("etag/none"), `"D41D8CD98F00B204E9800998ECF8427E-0"`; got != want {
		t.Errorf("no part: got %s, want %s", got, want)
	}
	if h, err := b.GetObjectDetailedMeta("etag/none"); err != nil || h.Get("Content-Length") != "0" {
		t.Errorf("object completed with no part: %v (%v), want 0 bytes", h, err)
	}
}

// TestCompleteAllWithPartList: x-oss-complete-all: yes together with a
// part list is 400 InvalidArgument, EC 0042-00000216 (pinned by
// alibabacloud-oss-go-sdk-v2 oss/client_integration_object_multipart_test.go
// TestCompleteMultipartUpload); the upload stays and completes afterwards.
func TestCompleteAllWithPartList(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	imur, err := b.InitiateMultipartUpload("all/list.bin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.UploadPart(imur, strings.NewReader("x"), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	body := xmlParts(p)
	resp, b2 := signedDo(t, f, http.MethodPost, imur.Key, "uploadId="+imur.UploadID, body,
		http.Header{"X-Oss-Complete-All": {"yes"}})
	e := ossError(t, b2)
	if resp.StatusCode != http.StatusBadRequest || e.Code != "InvalidArgument" || e.EC != "0042-00000216" ||
		resp.Header.Get("x-oss-ec") != "0042-00000216" {
		t.Errorf("got %d %s EC %q (header %q), want 400 InvalidArgument EC 0042-00000216",
			resp.StatusCode, e.Code, e.EC, resp.Header.Get("x-oss-ec"))
	}
	if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{p}); err != nil {
		t.Errorf("complete after the refusal: %v", err)
	}
}

// TestErrorEC: the EC codes OSS sends with NoSuchBucket, NoSuchKey and
// NoSuchUpload (per operation), in the body and in x-oss-ec, as
// alibabacloud-oss-go-sdk-v2 1.6.1's integration tests assert them
// (oss/client_integration_object_basic_test.go, …_multipart_test.go,
// …_acl_test.go).
func TestErrorEC(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	imur, err := b.InitiateMultipartUpload("ec/mp.bin")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AbortMultipartUpload(imur); err != nil {
		t.Fatal(err)
	}
	if err := b.PutObject("ec/src", strings.NewReader("s")); err != nil {
		t.Fatal(err)
	}
	other, err := b.Client.Bucket("no-such-bucket")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, code, ec string
		call           func() error
	}{
		{"GetObject-no-bucket", "NoSuchBucket", "0015-00000101", func() error { _, err := other.GetObject("k"); return err }},
		{"GetObject", "NoSuchKey", "0026-00000001", func() error { _, err := b.GetObject("ec/missing"); return err }},
		{"GetObjectACL", "NoSuchKey", "0026-00000001", func() error { _, err := b.GetObjectACL("ec/missing"); return err }},
		{"UploadPart", "NoSuchUpload", "0042-00000104", func() error {
			_, err := b.UploadPart(imur, strings.NewReader("x"), 1, 1)
			return err
		}},
		{"UploadPartCopy", "NoSuchUpload", "0042-00000311", func() error {
			_, err := b.UploadPartCopy(imur, testBucket, "ec/src", 0, 1, 1)
			return err
		}},
		{"AbortMultipartUpload", "NoSuchUpload", "0042-00000002", func() error { return b.AbortMultipartUpload(imur) }},
		{"ListParts", "NoSuchUpload", "0042-00000002", func() error { _, err := b.ListUploadedParts(imur); return err }},
	} {
		var se oss.ServiceError
		err := c.call()
		if !errors.As(err, &se) || se.Code != c.code || se.Ec != c.ec {
			t.Errorf("%s: got %v, want %s with EC %s", c.name, err, c.code, c.ec)
		}
	}
}

// TestSequentialUploadMD5: an upload initiated with ?sequential gets the
// whole object's Content-MD5 on HEAD after completion; one without does
// not (the InitiateMultipartUpload page of the OSS API reference;
// alibabacloud-oss-go-sdk-v2 oss/client_integration_object_extension_test.go
// TestUploaderWithSequential expects it of OSS).
func TestSequentialUploadMD5(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	for _, c := range []struct {
		key  string
		opts []oss.Option
		want string
	}{
		{"seq/yes", []oss.Option{oss.Sequential()}, "kAFQmDzST7DWlj99KOF/cg=="}, // base64 MD5 of "abc"
		{"seq/no", nil, ""},
	} {
		imur, err := b.InitiateMultipartUpload(c.key, c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		p, err := b.UploadPart(imur, strings.NewReader("abc"), 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{p}); err != nil {
			t.Fatal(err)
		}
		h, err := b.GetObjectDetailedMeta(c.key)
		if err != nil || h.Get("Content-MD5") != c.want {
			t.Errorf("%s: Content-MD5 %q (%v), want %q", c.key, h.Get("Content-MD5"), err, c.want)
		}
	}
}
