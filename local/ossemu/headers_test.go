package ossemu

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
)

// TestObjectAnswerHeaders covers headers of GetObject, HeadObject and
// GetObjectMeta that OSS sends (the GetObject, HeadObject, GetObjectMeta
// and PutObject pages of the OSS API reference; alibabacloud-oss-go-sdk-v2
// oss/client_integration_object_basic_test.go asserts the same):
//   - Content-MD5 of a simple upload on GET and HEAD, none for a multipart
//     object (its ETag is no MD5);
//   - x-oss-server-side-encryption echoed on the upload, GET and HEAD;
//   - response-* parameters replace the answer's headers on GET;
//   - HEAD ?objectMeta answers ETag, size, time and CRC, not user metadata.
func TestObjectAnswerHeaders(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	var putHeader http.Header
	if err := b.PutObject("h/a.txt", strings.NewReader("hello"), oss.Meta("color", "red"),
		oss.ServerSideEncryption("AES256"), oss.GetResponseHeader(&putHeader)); err != nil {
		t.Fatal(err)
	}
	if got := putHeader.Get("x-oss-server-side-encryption"); got != "AES256" {
		t.Errorf("PutObject SSE header: got %q, want AES256", got)
	}
	h, err := b.GetObjectDetailedMeta("h/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	const md5Hello = "XUFAKrxLKna5cZ2REBfFkg==" // base64 MD5 of "hello"
	if diff := cmp.Diff([]string{md5Hello, "AES256", "red"}, []string{h.Get("Content-MD5"),
		h.Get("x-oss-server-side-encryption"), h.Get("x-oss-meta-color")}); diff != "" {
		t.Errorf("HEAD Content-MD5, SSE, meta (-want +got):\n%s", diff)
	}
	var getHeader http.Header
	r, err := b.GetObject("h/a.txt", oss.ResponseContentDisposition(`attachment; filename="a.txt"`),
		oss.ResponseCacheControl("no-cache"), oss.ResponseContentType("text/x-test"), oss.GetResponseHeader(&getHeader))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r)
	r.Close()
	if diff := cmp.Diff([]string{`attachment; filename="a.txt"`, "no-cache", "text/x-test", md5Hello},
		[]string{getHeader.Get("Content-Disposition"), getHeader.Get("Cache-Control"),
			getHeader.Get("Content-Type"), getHeader.Get("Content-MD5")}); diff != "" {
		t.Errorf("GET with response-* (-want +got):\n%s", diff)
	}
	m, err := b.GetObjectMeta("h/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if m.Get("ETag") == "" || m.Get("Content-Length") != "5" || m.Get("x-oss-meta-color") != "" || m.Get("Content-Type") == "text/plain" {
		t.Errorf("GetObjectMeta: got %v, want ETag and size without user metadata or type", m)
	}
	imur, err := b.InitiateMultipartUpload("h/mp.bin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.UploadPart(imur, strings.NewReader("x"), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{p}); err != nil {
		t.Fatal(err)
	}
	if h, err := b.GetObjectDetailedMeta("h/mp.bin"); err != nil || h.Get("Content-MD5") != "" {
		t.Errorf("multipart object: Content-MD5 %q (%v), want none", h.Get("Content-MD5"), err)
	}
	if got := serviceCode(b.PutObject("h/b.txt", strings.NewReader("x"), oss.ServerSideEncryption("ROT13"))); got != "InvalidEncryptionAlgorithmError" {
		t.Errorf("unknown SSE algorithm: got %s, want InvalidEncryptionAlgorithmError", got)
	}
}

// TestNullVersion: in a bucket without versioning an object's only version
// is "null" (the Versioning page of the OSS user guide), so DELETE
// ?versionId=null deletes it (alibabacloud-oss-go-sdk-v2's TestDeleteObject
// sends it); another version id is refused.
func TestNullVersion(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("v/a.txt", strings.NewReader("a")); err != nil {
		t.Fatal(err)
	}
	if got := serviceCode(b.DeleteObject("v/a.txt", oss.VersionId("CAEQ"))); got != "NotImplemented" {
		t.Errorf("another version id: got %s, want NotImplemented", got)
	}
	if err := b.DeleteObject("v/a.txt", oss.VersionId("null")); err != nil {
		t.Fatalf("versionId=null: %v", err)
	}
	if ok, err := b.IsObjectExist("v/a.txt"); err != nil || ok {
		t.Errorf("after deleting the null version: exists %v (%v), want gone", ok, err)
	}
}

// TestListPartsAndUploadsOrder: ListParts answers the StorageClass, and
// ListMultipartUploads lists one key's uploads by upload id, not by time
// (alibabacloud-oss-go-sdk-v2 oss/client_integration_object_multipart_test.go
// TestListParts and TestListMultipartUploads expect both of OSS).
func TestListPartsAndUploadsOrder(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	var ids []string
	for range 4 {
		imur, err := b.InitiateMultipartUpload("o/same.bin")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, imur.UploadID)
	}
	res, err := b.ListMultipartUploads()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.Uploads {
		got = append(got, u.UploadID)
	}
	want := append([]string(nil), ids...)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("uploads of one key (-want +got):\n%s", diff)
	}
	_, body := signedDo(t, f, http.MethodGet, "o/same.bin", "uploadId="+ids[0], "", nil)
	if !strings.Contains(string(body), "<StorageClass>Standard</StorageClass>") {
		t.Errorf("ListParts: no StorageClass in %s", body)
	}
}

// TestCopyConditions: CopyObject's x-oss-copy-source-if-none-match (the
// ETag matches) and -if-modified-since (not modified since) answer 304,
// -if-match and -if-unmodified-since 412 PreconditionFailed whose message
// names the condition (the CopyObject page of the OSS API reference; the
// "(condition: …)" suffix as ali-oss 6.23.0 test/node/object.test.js
// asserts it for GetObject and for copy(), where the condition is named
// without its x-oss-copy-source- prefix); nothing is copied either way.
func TestCopyConditions(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("c/src", strings.NewReader("src")); err != nil {
		t.Fatal(err)
	}
	h, err := b.GetObjectDetailedMeta("c/src")
	if err != nil {
		t.Fatal(err)
	}
	etag := h.Get("ETag")
	future := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Hour)
	for _, c := range []struct {
		name       string
		opt        oss.Option
		wantStatus int
		wantMsg    string
	}{
		{"if-none-match", oss.CopySourceIfNoneMatch(etag), http.StatusNotModified, ""},
		{"if-modified-since", oss.CopySourceIfModifiedSince(future), http.StatusNotModified, ""},
		{"if-match", oss.CopySourceIfMatch(`"0000"`), http.StatusPreconditionFailed,
			"At least one of the pre-conditions you specified did not hold. (condition: If-Match)"},
		{"if-unmodified-since", oss.CopySourceIfUnmodifiedSince(past), http.StatusPreconditionFailed,
			"At least one of the pre-conditions you specified did not hold. (condition: If-Unmodified-Since)"},
	} {
		_, err := b.CopyObject("c/src", "c/dst-"+c.name, c.opt)
		var se oss.ServiceError
		switch {
		case c.wantStatus == http.StatusNotModified: // no error document: the SDK reports the status alone
			if err == nil || !strings.Contains(err.Error(), "service returned 304") {
				t.Errorf("%s: got %v, want 304", c.name, err)
			}
		case errors.As(err, &se):
			if se.StatusCode != c.wantStatus || se.Message != c.wantMsg {
				t.Errorf("%s: got %d %q, want %d %q", c.name, se.StatusCode, se.Message, c.wantStatus, c.wantMsg)
			}
		default:
			t.Errorf("%s: got %v, want %d", c.name, err, c.wantStatus)
		}
		if ok, _ := b.IsObjectExist("c/dst-" + c.name); ok {
			t.Errorf("%s: the copy was made", c.name)
		}
	}
	r, err := b.GetObject("c/src", oss.IfUnmodifiedSince(past))
	if err == nil {
		r.Close()
	}
	if se, ok := err.(oss.ServiceError); !ok || se.Message != "At least one of the pre-conditions you specified did not hold. (condition: If-Unmodified-Since)" {
		t.Errorf("GetObject If-Unmodified-Since: got %v", err)
	}
}

// TestTagCharacters: tag keys and values hold letters, digits, spaces and
// + - = . _ : / only (the "Object tagging" page of the OSS user guide); a
// key or value with "&" is InvalidArgument (aliyun-oss-go-sdk
// oss/bucket_test.go TestPutObjectTagging expects the refusal of OSS).
func TestTagCharacters(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("t/a", strings.NewReader("a")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, value, want string
	}{
		{"k 1+-=._:/", "v 1+-=._:/标签", ""},
		{"k&", "v", "InvalidArgument"},
		{"k", "v&", "InvalidArgument"},
		{"k", "<v>", "InvalidArgument"},
	} {
		err := b.PutObjectTagging("t/a", oss.Tagging{Tags: []oss.Tag{{Key: c.key, Value: c.value}}})
		got := ""
		if err != nil {
			got = serviceCode(err)
		}
		if got != c.want {
			t.Errorf("%q=%q: got %q (%v), want %q", c.key, c.value, got, err, c.want)
		}
	}
}

// TestPresignMissingAdditionalHeader: a V4 presigned URL whose
// x-oss-additional-headers names a header the request does not carry is
// refused with 400, not 403 (alibabacloud-oss-go-sdk-v2
// oss/client_integration_presign_test.go TestPresignExtra expects 400 of
// OSS); with the header it passes.
func TestPresignMissingAdditionalHeader(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "", oss.AuthVersion(oss.AuthV4), oss.Region(testRegion),
		oss.AdditionalHeaders([]string{"email"}))
	u, err := b.SignURL("p/a.txt", oss.HTTPPut, 60, oss.SetHeader("email", "demo@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	put := func(h http.Header) int {
		t.Helper()
		resp, _ := f.do(t, http.MethodPut, strings.TrimPrefix(u, f.http.URL), strings.NewReader("x"), h)
		return resp.StatusCode
	}
	if got := put(nil); got != http.StatusBadRequest {
		t.Errorf("without the header: got %d, want 400", got)
	}
	if got := put(http.Header{"Email": {"demo@example.com"}}); got != http.StatusOK {
		t.Errorf("with the header: got %d, want 200", got)
	}
}

// TestPresignedPutWithResponseParams: a presigned PUT URL may carry
// response-* parameters (aliyun-oss-go-sdk's SignURL signs them in
// oss/bucket_test.go TestSignURL); they change nothing on a PUT, which is
// still PutObject.
func TestPresignedPutWithResponseParams(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	u, err := b.SignURL("r/a.txt", oss.HTTPPut, 60, oss.ResponseContentEncoding("deflate"))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, http.MethodPut, strings.TrimPrefix(u, f.http.URL), strings.NewReader("r"), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT with response-content-encoding: got %d %s", resp.StatusCode, body)
	}
	if ok, err := b.IsObjectExist("r/a.txt"); err != nil || !ok {
		t.Errorf("object after the PUT: exists %v (%v)", ok, err)
	}
}

// TestPutObjectRefusesConditions: OSS answers a PutObject with an HTTP
// conditional header 501 NotImplemented ("A header you provided implies
// functionality that is not implemented", quoted from OSS in
// github.com/tobi/walgit/issues/67 for If-None-Match and If-Match;
// aliyun-oss-go-sdk's TestPutObjectNegative expects a refusal of
// If-Modified-Since) and stores nothing; x-oss-forbid-overwrite is OSS's
// write condition.
func TestPutObjectRefusesConditions(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	past := time.Now().Add(-time.Hour)
	for _, c := range []struct {
		name string
		opt  oss.Option
	}{
		{"if-modified-since", oss.IfModifiedSince(past)},
		{"if-unmodified-since", oss.IfUnmodifiedSince(past)},
		{"if-match", oss.IfMatch(`"abc"`)},
		{"if-none-match", oss.IfNoneMatch("*")},
	} {
		key := "cond/" + c.name
		err := b.PutObject(key, strings.NewReader("data"), c.opt)
		if se, ok := err.(oss.ServiceError); !ok || se.StatusCode != http.StatusNotImplemented || se.Code != "NotImplemented" {
			t.Errorf("%s: got %v, want 501 NotImplemented", c.name, err)
		}
		if ok, _ := b.IsObjectExist(key); ok {
			t.Errorf("%s: the object was stored", c.name)
		}
	}
}
