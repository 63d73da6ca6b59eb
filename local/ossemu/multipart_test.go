package ossemu

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// signedRaw returns the start of a V1-signed HTTP/1.1 request for a raw
// connection: method, path-style target, the headers and the declared
// Content-Length, signed with testAK at now.
func signedRaw(t *testing.T, method, key, rawQuery string, length int, now time.Time) string {
	t.Helper()
	target := "/" + testBucket + "/" + key
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	req, err := http.NewRequest(method, "http://127.0.0.1"+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	date := now.UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	sig := signV1(testSecret, &request{r: req, bucket: testBucket, key: key}, date)
	return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: %s\r\nAuthorization: OSS %s:%s\r\nContent-Length: %d\r\n\r\n",
		method, target, date, testAK, sig, length)
}

// signedDo sends a V1-signed request for key (path style) with the body
// and headers given and returns the answer.
func signedDo(t *testing.T, f *fixture, method, key, rawQuery, body string, h http.Header) (*http.Response, []byte) {
	t.Helper()
	target := "/" + testBucket + "/" + key
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	req, err := http.NewRequest(method, f.http.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	date := time.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	req.Header.Set("Authorization", "OSS "+testAK+":"+signV1(testSecret, &request{r: req, bucket: testBucket, key: key}, date))
	resp, err := f.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// tempsUnder lists every temp file or claimed directory under dir.
func tempsUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), disk.TmpPrefix) {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cutAfter sends head and n bytes of a body that declared more, waits until
// the server holds a temp file, then drops the connection and waits until
// the temp file is gone.
func cutAfter(t *testing.T, f *fixture, head string, n int) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(f.http.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(bytes.Repeat([]byte("z"), n)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(tempsUnder(t, f.dir)) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(tempsUnder(t, f.dir)) == 0 {
		t.Fatal("the server never started writing the body")
	}
	conn.Close()
	for len(tempsUnder(t, f.dir)) != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if tmp := tempsUnder(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files after the client went away: %v", tmp)
	}
}

// TestInterruptedUploads cuts a PutObject and an UploadPart in the middle of
// the body: no object, no part and no temp file remain.
func TestInterruptedUploads(t *testing.T) {
	now := time.Now()
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	t.Run("put-object", func(t *testing.T) {
		cutAfter(t, f, signedRaw(t, http.MethodPut, "cut/put.bin", "", 512<<10, now), 256<<10)
		if _, err := b.GetObject("cut/put.bin"); serviceCode(err) != "NoSuchKey" {
			t.Errorf("GET after the cut: got %v, want NoSuchKey", err)
		}
	})
	t.Run("upload-part", func(t *testing.T) {
		imur, err := b.InitiateMultipartUpload("cut/mp.bin")
		if err != nil {
			t.Fatal(err)
		}
		cutAfter(t, f, signedRaw(t, http.MethodPut, "cut/mp.bin", "partNumber=1&uploadId="+imur.UploadID, 512<<10, now), 256<<10)
		parts, err := b.ListUploadedParts(imur)
		if err != nil || len(parts.UploadedParts) != 0 {
			t.Errorf("parts after the cut: got %+v (%v), want none", parts.UploadedParts, err)
		}
	})
}

// TestConcurrentComplete completes one upload from several goroutines at
// once: exactly one succeeds, the others get NoSuchUpload, the object is
// whole.
func TestConcurrentComplete(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	imur, err := b.InitiateMultipartUpload("race/mp.bin")
	if err != nil {
		t.Fatal(err)
	}
	var parts []oss.UploadPart
	for i, data := range [][]byte{bytes.Repeat([]byte("1"), minPartSize), []byte("2")} {
		p, err := b.UploadPart(imur, bytes.NewReader(data), int64(len(data)), i+1)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, err := b.CompleteMultipartUpload(imur, append([]oss.UploadPart(nil), parts...))
			code := "ok"
			if err != nil {
				code = serviceCode(err)
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes["ok"] != 1 || codes["NoSuchUpload"] != 3 {
		t.Errorf("outcomes: got %v, want 1 ok and 3 NoSuchUpload", codes)
	}
	h, err := b.GetObjectDetailedMeta("race/mp.bin")
	if err != nil || h.Get("Content-Length") != fmt.Sprint(minPartSize+1) || !strings.HasSuffix(h.Get("ETag"), `-2"`) {
		t.Errorf("object: got %v (%v), want %d bytes and a 2-part ETag", h, err, minPartSize+1)
	}
	if tmp := tempsUnder(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// TestMultipartEdges covers what the client matrix cannot reach through the
// SDKs' typed calls.
func TestMultipartEdges(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	t.Run("complete-all", func(t *testing.T) {
		imur, err := b.InitiateMultipartUpload("edge/all.bin")
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range []string{strings.Repeat("a", minPartSize), "b"} {
			if _, err := b.UploadPart(imur, strings.NewReader(s), int64(len(s)), i+1); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := b.Do(http.MethodPost, imur.Key, map[string]any{"uploadId": imur.UploadID},
			[]oss.Option{oss.SetHeader("x-oss-complete-all", "yes")}, nil, nil)
		if err != nil {
			t.Fatalf("complete-all: %v", err)
		}
		resp.Body.Close()
		if h, err := b.GetObjectDetailedMeta("edge/all.bin"); err != nil || h.Get("Content-Length") != fmt.Sprint(minPartSize+1) {
			t.Errorf("object: %v (%v)", h, err)
		}
	})
	t.Run("forbid-overwrite-at-initiate", func(t *testing.T) {
		if err := b.PutObject("edge/exists.txt", strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
		_, err := b.InitiateMultipartUpload("edge/exists.txt", oss.ForbidOverWrite(true))
		if got := serviceCode(err); got != "FileAlreadyExists" {
			t.Errorf("got %s, want FileAlreadyExists", got)
		}
	})
	t.Run("upload-to-other-key", func(t *testing.T) {
		imur, err := b.InitiateMultipartUpload("edge/one.bin")
		if err != nil {
			t.Fatal(err)
		}
		imur.Key = "edge/another.bin"
		if _, err := b.UploadPart(imur, strings.NewReader("x"), 1, 1); serviceCode(err) != "NoSuchUpload" {
			t.Errorf("got %v, want NoSuchUpload (the upload id belongs to another key)", err)
		}
	})
	t.Run("part-number-range", func(t *testing.T) {
		imur, err := b.InitiateMultipartUpload("edge/range.bin")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, maxPartNum + 1} {
			if _, err := b.UploadPart(imur, strings.NewReader("x"), 1, n); serviceCode(err) != "InvalidArgument" {
				t.Errorf("part %d: got %v, want InvalidArgument", n, err)
			}
		}
	})
	t.Run("delete-multiple-wrong-md5", func(t *testing.T) {
		resp, body := f.do(t, http.MethodPost, "/"+testBucket+"/?delete", strings.NewReader("<Delete><Object><Key>a</Key></Object></Delete>"), nil)
		if e := ossError(t, body); resp.StatusCode != http.StatusForbidden || e.Code != "AccessDenied" {
			t.Errorf("anonymous: got %d %s, want 403 AccessDenied", resp.StatusCode, e.Code)
		}
		for _, md5 := range []string{"AAAAAAAAAAAAAAAAAAAAAA=="} {
			resp, body := signedDo(t, f, http.MethodPost, "", "delete", "<Delete><Object><Key>a</Key></Object></Delete>", http.Header{"Content-Md5": {md5}})
			if e := ossError(t, body); resp.StatusCode != http.StatusBadRequest || e.Code != "InvalidDigest" {
				t.Errorf("Content-MD5 %q: got %d %s, want 400 InvalidDigest", md5, resp.StatusCode, e.Code)
			}
		}
	})
}

// TestHeadErrorHeader checks that a HEAD error carries its XML document,
// base64-encoded, in x-oss-err (it has no body).
func TestHeadErrorHeader(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	resp, body := f.do(t, http.MethodHead, "/"+testBucket+"/missing.txt", nil, nil)
	if len(body) != 0 {
		t.Errorf("HEAD body: %q, want none", body)
	}
	doc, err := base64.StdEncoding.DecodeString(resp.Header.Get("x-oss-err"))
	if err != nil {
		t.Fatalf("x-oss-err: %v", err)
	}
	if e := ossError(t, doc); resp.StatusCode != http.StatusForbidden || e.Code != "AccessDenied" || e.RequestID != resp.Header.Get("x-oss-request-id") {
		t.Errorf("got %d %+v, want 403 AccessDenied with the request id", resp.StatusCode, e)
	}
}

// TestRestartCleansUploads leaves a temp part, a claimed upload directory
// and a live upload: New removes the first two and keeps the upload.
func TestRestartCleansUploads(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	imur, err := b.InitiateMultipartUpload("restart/mp.bin")
	if err != nil {
		t.Fatal(err)
	}
	uploads := filepath.Join(f.dir, testBucket, disk.UploadsDir)
	for _, p := range []string{filepath.Join(uploads, imur.UploadID, disk.TmpPrefix+"part"), filepath.Join(uploads, disk.TmpPrefix+"0123", "part-00001")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{DataDir: f.dir, Region: testRegion, Buckets: []string{testBucket}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if tmp := tempsUnder(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files after restart: %v", tmp)
	}
	if ups, err := srv.store.ListUploads(testBucket, ""); err != nil || len(ups) != 1 || ups[0].ID != imur.UploadID {
		t.Errorf("uploads after restart: %+v (%v), want the live one", ups, err)
	}
}
