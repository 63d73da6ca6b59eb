package ossemu

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestStorageClass: x-oss-storage-class on PutObject, CopyObject and
// InitiateMultipartUpload (the PutObject and InitiateMultipartUpload pages
// of the OSS API reference) is kept and answered by HEAD and ListObjects;
// the archive classes, which need RestoreObject before a read, are refused
// (NotImplemented) and store nothing.
func TestStorageClass(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("sc/ia", strings.NewReader("x"), oss.ObjectStorageClass(oss.StorageIA)); err != nil {
		t.Fatal(err)
	}
	if err := b.PutObject("sc/std", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	imur, err := b.InitiateMultipartUpload("sc/mp", oss.ObjectStorageClass(oss.StorageIA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CompleteMultipartUpload(imur, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CopyObject("sc/std", "sc/copy-ia", oss.ObjectStorageClass(oss.StorageIA)); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"sc/ia": "IA", "sc/std": "Standard", "sc/mp": "IA", "sc/copy-ia": "IA"} {
		h, err := b.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Get("X-Oss-Storage-Class"); got != want {
			t.Errorf("HEAD %s: x-oss-storage-class %q, want %q", key, got, want)
		}
	}
	lor, err := b.ListObjects(oss.Prefix("sc/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range lor.Objects {
		if o.Key == "sc/ia" && o.StorageClass != "IA" {
			t.Errorf("listed sc/ia: StorageClass %q, want IA", o.StorageClass)
		}
	}
	err = b.PutObject("sc/archive", strings.NewReader("x"), oss.ObjectStorageClass(oss.StorageArchive))
	if got := serviceCode(err); got != "NotImplemented" {
		t.Errorf("PutObject Archive: got %v, want NotImplemented", err)
	}
	if ok, _ := b.IsObjectExist("sc/archive"); ok {
		t.Error("a refused Archive PutObject stored the object")
	}
}

// TestRestoreObjectNotArchive: the "RestoreObject" page of the OSS API
// reference: restoring an object that is not of an archive class is 400
// OperationNotSupported (ali-oss 6.23.0's restore() test expects the 400),
// and a missing object NoSuchKey.
func TestRestoreObjectNotArchive(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("r/std", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	err := b.RestoreObject("r/std")
	if e, ok := err.(oss.ServiceError); !ok || e.StatusCode != http.StatusBadRequest || e.Code != "OperationNotSupported" {
		t.Errorf("RestoreObject of a Standard object: got %v, want 400 OperationNotSupported", err)
	}
	if got := serviceCode(b.RestoreObject("r/missing")); got != "NoSuchKey" {
		t.Errorf("RestoreObject of a missing object: got %s, want NoSuchKey", got)
	}
}

// TestInitiateMultipartAnswersEncryption: the InitiateMultipartUpload page
// of the OSS API reference answers x-oss-server-side-encryption when the
// request asked for it (ali-oss 6.23.0 multipart.test.js asserts it).
func TestInitiateMultipartAnswersEncryption(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	var h http.Header
	if _, err := b.InitiateMultipartUpload("e/mp", oss.ServerSideEncryption("AES256"), oss.GetResponseHeader(&h)); err != nil {
		t.Fatal(err)
	}
	if got := h.Get("X-Oss-Server-Side-Encryption"); got != "AES256" {
		t.Errorf("x-oss-server-side-encryption: got %q, want AES256", got)
	}
}
