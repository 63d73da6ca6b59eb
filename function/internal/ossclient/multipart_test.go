package ossclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

// localMultipart returns a Multipart on a fresh local OSS bucket, through
// an STS-style credential as the functions get.
func localMultipart(t *testing.T) Multipart {
	t.Helper()
	c := creds.Credentials{AccessKeyID: "STS.mp-test", AccessKeySecret: "mp-test-secret", SecurityToken: "mp-test-token"}
	l := testutil.StartLocalOSS(t, "mp-bucket", ossemu.Credential{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken})
	ctx := invocation.NewContext(context.Background(), invocation.Info{Credentials: c})
	b, err := FromConfig(config.OSS{Bucket: "mp-bucket", Region: "cn-hangzhou", InternalEndpoint: l.URL}, nil).Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return Multipart{Bucket: b}
}

// putParts uploads parts n → size with the SDK, concurrently.
func putParts(t *testing.T, m Multipart, key, id string, sizes map[int]int) {
	t.Helper()
	imur := oss.InitiateMultipartUploadResult{Bucket: m.Bucket.BucketName, Key: key, UploadID: id}
	var wg sync.WaitGroup
	errs := make(chan error, len(sizes))
	sem := make(chan struct{}, 8)
	for n, size := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := m.Bucket.UploadPart(imur, bytes.NewReader(bytes.Repeat([]byte{byte(n)}, size)), int64(size), n)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestMultipartRoundTrip(t *testing.T) {
	m := localMultipart(t)
	const key = "uploads/video/alice/2026/11/25/id.mp4"
	id, err := m.Initiate(key, Initiation{ContentType: "video/mp4", ContentDisposition: `attachment; filename="a.mp4"`,
		Meta: map[string]string{"x-oss-meta-uploader": "alice", "x-oss-meta-filename": "a%20b.mp4"}, ForbidOverwrite: true})
	if err != nil {
		t.Fatalf("Initiate: %v", err)
	}
	const part = 100 << 10
	putParts(t, m, key, id, map[int]int{1: part, 2: part, 3: 7})
	parts, err := m.ListParts(key, id)
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	want := []Part{{Number: 1, Size: part}, {Number: 2, Size: part}, {Number: 3, Size: 7}}
	if d := cmp.Diff(want, parts, cmpopts.IgnoreFields(Part{}, "ETag")); d != "" {
		t.Fatalf("ListParts (-want +got):\n%s", d)
	}
	for _, p := range parts {
		if !strings.HasPrefix(p.ETag, `"`) {
			t.Errorf("ListParts: part %d has ETag %s, want it quoted", p.Number, p.ETag)
		}
	}
	etag, err := m.Complete(key, id, parts, true)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if !strings.HasSuffix(etag, `-3"`) {
		t.Errorf("Complete: ETag %s, want a multipart ETag of 3 parts", etag)
	}
	h, err := m.Head(key)
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	wantHead := Head{Size: 2*part + 7, ETag: etag, Meta: map[string]string{"x-oss-meta-uploader": "alice", "x-oss-meta-filename": "a%20b.mp4"}}
	if d := cmp.Diff(wantHead, h); d != "" {
		t.Errorf("Head, want the initiation's metadata (-want +got):\n%s", d)
	}
	meta, _ := m.Bucket.GetObjectDetailedMeta(key)
	type headers struct{ ContentType, ContentDisposition string }
	if d := cmp.Diff(headers{"video/mp4", `attachment; filename="a.mp4"`}, headers{meta.Get("Content-Type"), meta.Get("Content-Disposition")}); d != "" {
		t.Errorf("object headers (-want +got):\n%s", d)
	}
	if _, err := m.Complete(key, id, parts, true); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("second Complete: got %v, want ErrNoSuchUpload", err)
	}
	if _, err := m.ListParts(key, id); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("ListParts of a completed upload: got %v, want ErrNoSuchUpload", err)
	}
	if _, err := m.Initiate(key, Initiation{ContentType: "video/mp4", ForbidOverwrite: true}); !errors.Is(err, ErrExists) {
		t.Errorf("Initiate over an existing key with forbid-overwrite: got %v, want ErrExists", err)
	}
	if _, err := m.Head(key + ".missing"); !IsNotFound(err) {
		t.Errorf("Head of a missing key: got %v, want not found", err)
	}
}

func TestMultipartAbort(t *testing.T) {
	m := localMultipart(t)
	const key = "uploads/p/u/2026/11/25/id.bin"
	id, err := m.Initiate(key, Initiation{ContentType: "application/zip"})
	if err != nil {
		t.Fatal(err)
	}
	putParts(t, m, key, id, map[int]int{1: 10})
	if err := m.Abort(key, id); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if err := m.Abort(key, id); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("second Abort: got %v, want ErrNoSuchUpload", err)
	}
	if _, err := m.ListParts(key, id); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("ListParts after Abort: got %v, want ErrNoSuchUpload", err)
	}
	if _, err := m.ListParts("uploads/p/u/2026/11/25/other.bin", "0123456789ABCDEF0123456789ABCDEF"); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("ListParts of an unknown upload: got %v, want ErrNoSuchUpload", err)
	}
}

// TestMultipartListsPastOnePage: more than 1,000 parts and uploads are
// listed whole, through the markers OSS answers.
func TestMultipartListsPastOnePage(t *testing.T) {
	m := localMultipart(t)
	const key = "uploads/p/u/2026/11/25/many.bin"
	id, err := m.Initiate(key, Initiation{ContentType: "application/zip"})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int]int{}
	for n := 1; n <= 1003; n++ {
		sizes[n] = 1
	}
	putParts(t, m, key, id, sizes)
	parts, err := m.ListParts(key, id)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		if p.Number != i+1 {
			t.Fatalf("part %d: got number %d", i, p.Number)
		}
	}
	if len(parts) != 1003 {
		t.Errorf("ListParts: got %d parts, want 1003", len(parts))
	}

	for i := range 1004 {
		prefix := "uploads/"
		if i%500 == 0 {
			prefix = "other/"
		}
		if _, err := m.Initiate(fmt.Sprintf("%sk%04d", prefix, i), Initiation{ContentType: "application/zip"}); err != nil {
			t.Fatal(err)
		}
	}
	seen, pages := map[string]bool{}, 0
	err = m.Pending("uploads/", func(page []Pending) bool {
		pages++
		for _, u := range page {
			if !strings.HasPrefix(u.Key, "uploads/") || u.Initiated.IsZero() || seen[u.UploadID] {
				t.Errorf("listed %+v: outside the prefix, without its time, or twice", u)
			}
			seen[u.UploadID] = true
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1004 - 3 + 1; len(seen) != want || pages != 2 {
		t.Errorf("Pending: got %d uploads in %d pages, want %d in 2", len(seen), pages, want)
	}
	pages = 0
	_ = m.Pending("uploads/", func([]Pending) bool { pages++; return false })
	if pages != 1 {
		t.Errorf("Pending whose visit stops: got %d pages, want 1", pages)
	}
}
