package ossclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestObjects reads, streams, copies, tags and deletes an object of the
// local OSS endpoint as the record and sign functions do.
func TestObjects(t *testing.T) {
	objs := Objects{Bucket: localMultipart(t).Bucket}
	ctx := context.Background()
	body := []byte("0123456789abcdefghij")
	var h http.Header
	if err := objs.Bucket.PutObject("up/a.txt", bytes.NewReader(body), oss.ContentType("text/plain"),
		oss.SetHeader("x-oss-meta-uploader", "alice"), oss.GetResponseHeader(&h)); err != nil {
		t.Fatal(err)
	}
	etag := strings.Trim(h.Get("ETag"), `"`)

	info, head, err := objs.Read(ctx, "up/a.txt", etag, 4)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := Object{Key: "up/a.txt", ContentType: "text/plain", ETag: h.Get("ETag"), Size: int64(len(body)), Meta: map[string]string{"x-oss-meta-uploader": "alice"}}
	if d := cmp.Diff(want, info, cmpopts.IgnoreFields(Object{}, "LastModified")); d != "" {
		t.Errorf("Read's object, the whole size from a ranged GET (-want +got):\n%s", d)
	}
	if string(head) != "0123" {
		t.Errorf("Read's bytes: got %q, want 0123", head)
	}
	if _, _, err := objs.Read(ctx, "up/a.txt", strings.Repeat("0", 32), 4); !errors.Is(err, ErrSuperseded) {
		t.Errorf("Read with another ETag: got %v, want ErrSuperseded", err)
	}

	rc, err := objs.Stream(ctx, "up/a.txt", etag, 10, 6)
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if string(got) != "abcdef" {
		t.Errorf("Stream(10, 6): got %q, want abcdef", got)
	}
	if _, err := objs.Stream(ctx, "up/a.txt", strings.Repeat("0", 32), 0, 4); !errors.Is(err, ErrSuperseded) {
		t.Errorf("Stream with another ETag: got %v, want ErrSuperseded", err)
	}

	if err := objs.Copy(ctx, "up/a.txt", "q/up/a.txt"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if err := objs.Tag(ctx, "up/a.txt", map[string]string{"k": "v"}); err != nil {
		t.Fatalf("Tag: %v", err)
	}
	for _, key := range []string{"up/a.txt", "up/a.txt", "never/written"} { // twice, and a missing key: no error
		if err := objs.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%s): %v", key, err)
		}
	}
	if _, _, err := objs.Read(ctx, "up/a.txt", "", 4); !IsNotFound(err) {
		t.Errorf("Read after Delete: got %v, want not found", err)
	}
	_, copied, err := objs.Read(ctx, "q/up/a.txt", "", 100)
	if err != nil {
		t.Fatalf("Read of the copy: %v", err)
	}
	if !bytes.Equal(copied, body) {
		t.Errorf("Read of the copy: got %q, want %q", copied, body)
	}
}
