package sign

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// mpBucket is the SDK's view of the fixture's local bucket.
func (f *mpFixture) mpBucket(t *testing.T) *oss.Bucket {
	t.Helper()
	b, err := ossclient.FromConfig(config.OSS{Bucket: "mp-bucket", Region: "cn-hangzhou", InternalEndpoint: f.oss.URL}, nil).
		Bucket(invocation.NewContext(context.Background(), invocation.Info{Credentials: testCreds}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMultipartCountsAgainstQuota: a multipart initiation is admitted
// through the profile's quota like a /sign ticket; a refused one is 429
// QuotaExceeded and leaves no multipart upload behind in OSS.
func TestMultipartCountsAgainstQuota(t *testing.T) {
	f := newMPFixture(t)
	for range 2 {
		f.create(t, "quinn", "capped", 3*mpPart)
	}
	w := f.do(request{method: "POST", path: "/uploads/multipart", user: "quinn", json: map[string]any{"profile": "capped",
		"file": map[string]any{"name": "third.mp4", "type": "video/mp4", "size": 3 * mpPart}}})
	got := outcomeOf(t, w)
	if got.RetryAfter == "" {
		t.Errorf("third initiation: no Retry-After")
	}
	got.RetryAfter = ""
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files"}, got); diff != "" {
		t.Fatalf("third initiation at a quota of 2 files (-want +got):\n%s", diff)
	}
	res, err := f.mpBucket(t).ListMultipartUploads(oss.Prefix("uploads/capped/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Uploads); got != 2 {
		t.Errorf("multipart uploads in OSS after the refusal: got %d, want 2 (the refused one aborted)", got)
	}
	// Another user has a quota of their own.
	f.create(t, "rosa", "capped", 3*mpPart)
}

// TestMultipartObjectServedWithDisposition: an object made by a multipart
// upload carries the Content-Disposition a form ticket pins (attachment
// for a video profile), so OSS serves it the same way.
func TestMultipartObjectServedWithDisposition(t *testing.T) {
	f := newMPFixture(t)
	size := int64(3 * mpPart)
	u := f.create(t, "alice", "video", size)
	putParts(t, u.Parts, randomBytes(size))
	if w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}}); w.Code != 200 {
		t.Fatalf("complete: %d %s", w.Code, w.Body)
	}
	h, err := f.mpBucket(t).GetObjectDetailedMeta(u.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Get("Content-Disposition"), upload.ContentDisposition("attachment", "clip 1.mp4"); got != want {
		t.Errorf("Content-Disposition: got %q, want %q", got, want)
	}
}
