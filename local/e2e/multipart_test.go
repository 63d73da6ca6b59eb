package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

const (
	mpSecret  = "e2e-multipart-hs256-secret-0123456789abcdef"
	mpPart    = 100 << 10
	mpProfile = `{"video":{"types":["video/mp4"],"maxSize":104857600,"multipart":{"partSize":102400,"threshold":204800}}}`
)

var mpClient = &http.Client{Timeout: 20 * time.Second}

func mpToken(user string) string { return testutil.Token(mpSecret, user, 10*time.Minute) }

// mp4 returns size bytes that start as an MP4 file (an ftyp box), then
// random: content the record function accepts as video/mp4.
func mp4(size int) []byte {
	b := make([]byte, size)
	_, _ = rand.Read(b)
	copy(b, "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	return b
}

// multipartETag is OSS's ETag of an object made of parts of data split by
// partSize: the MD5 of the parts' MD5s as upper-case hex text, "-", the
// part count (the Go SDK v3's tests pin 2351E662233817A7AE974D8C5B0876DD-5
// for their sample image, which this formula gives).
func multipartETag(data []byte, partSize int) string {
	var sums []byte
	n := 0
	for start := 0; start < len(data); start += partSize {
		sum := md5.Sum(data[start:min(start+partSize, len(data))])
		sums, n = append(sums, strings.ToUpper(hex.EncodeToString(sum[:]))...), n+1
	}
	all := md5.Sum(sums)
	return strings.ToUpper(hex.EncodeToString(all[:])) + "-" + strconv.Itoa(n)
}

// TestMultipartRecorded: a multipart upload through the real sign function
// completes as one object, and the record function records it once, with
// its size and multipart ETag, its content checked.
func TestMultipartRecorded(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: mpSecret, Env: []string{"OSSGATE_PROFILES=" + mpProfile}})
	data := mp4(3*mpPart + 4321)
	u, err := testutil.StartMultipart(mpClient, st.SignURL, mpToken("maria"), "video", "holiday.mp4", "video/mp4", int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if u.PartCount != 4 || len(u.Parts) != 4 || !strings.HasPrefix(u.Parts[0].URL, st.OSSPublicURL+"/"+st.Bucket+"/uploads/video/maria/") {
		t.Fatalf("upload %+v: want 4 part URLs on the stack's OSS endpoint", u)
	}
	if err := testutil.PutParts(mpClient, u.Parts, u.PartSize, data); err != nil {
		t.Fatal(err)
	}
	done, err := testutil.CompleteMultipart(mpClient, st.SignURL, mpToken("maria"), u.Key, u.UploadID, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if want := multipartETag(data, mpPart); done.ETag != want || done.Size != int64(len(data)) {
		t.Errorf("complete: got %+v, want ETag %s and %d bytes", done, want, len(data))
	}
	drainRecords(t, st)
	recs, err := testutil.ListUploads(mpClient, st.SignURL, mpToken("maria"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("records: got %d, want exactly one: %+v", len(recs), recs)
	}
	r := recs[0]
	if r.Key != u.Key || r.Size != int64(len(data)) || r.ETag != done.ETag || r.Status != "ok" || r.ContentType != "video/mp4" ||
		r.DetectedType != "video/mp4" || r.Uploader != "maria" || r.Profile != "video" || r.OriginalName != "holiday.mp4" {
		t.Errorf("record: got %+v, want an ok record of %s, %d bytes, ETag %s, by maria", r, u.Key, len(data), done.ETag)
	}
	k := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, k.AccessKeyID, k.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	h, err := b.GetObjectDetailedMeta(u.Key)
	if err != nil || h.Get("Content-Type") != "video/mp4" || h.Get("X-Oss-Meta-Uploader") != "maria" || h.Get("X-Oss-Meta-Filename") != "holiday.mp4" {
		t.Errorf("object headers: %v, %v", h, err)
	}
	body, err := b.GetObject(u.Key)
	if err == nil {
		var got bytes.Buffer
		_, _ = got.ReadFrom(body)
		body.Close()
		if !bytes.Equal(got.Bytes(), data) {
			t.Errorf("object bytes differ from the file's (%d vs %d bytes)", got.Len(), len(data))
		}
	}
}

// TestSweepAbortsAbandonedUploads invokes the real sweep function under
// the emulator, with its timer's event: an upload older than
// OSSGATE_SWEEP_AGE is aborted, a younger one and one outside the upload
// prefix are not.
func TestSweepAbortsAbandonedUploads(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: mpSecret, Env: []string{"OSSGATE_PROFILES=" + mpProfile},
		SweepEnv: []string{"OSSGATE_SWEEP_AGE=2s"}})
	k := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, k.AccessKeyID, k.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	outside, err := b.InitiateMultipartUpload("elsewhere/kept.mp4")
	if err != nil {
		t.Fatal(err)
	}
	old, err := testutil.StartMultipart(mpClient, st.SignURL, mpToken("ivan"), "video", "old.mp4", "video/mp4", 3*mpPart)
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.PutParts(mpClient, old.Parts[:1], mpPart, mp4(3*mpPart)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	young, err := testutil.StartMultipart(mpClient, st.SignURL, mpToken("ivan"), "video", "young.mp4", "video/mp4", 3*mpPart)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.SweepNow(ctx); err != nil {
		t.Fatal(err)
	}
	resume := func(u wire.MultipartUpload) error {
		var res map[string]any
		return testutil.Call(mpClient, st.SignURL, mpToken("ivan"), http.MethodPost, "/uploads/multipart/parts",
			map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 3 * mpPart}, &res)
	}
	if err := resume(old); err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "NoSuchUpload") {
		t.Errorf("the old upload after the sweep: got %v, want 404 NoSuchUpload", err)
	}
	if err := resume(young); err != nil {
		t.Errorf("the young upload after the sweep: %v", err)
	}
	if _, err := b.ListUploadedParts(outside); err != nil {
		t.Errorf("the upload outside the upload prefix: %v, want it kept", err)
	}
	if err := st.SweepNow(ctx); err != nil {
		t.Errorf("a second sweep: %v", err)
	}
}
