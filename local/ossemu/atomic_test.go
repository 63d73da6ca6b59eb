package ossemu

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
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

// tempFiles lists the temp files in the test bucket's directory.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, testBucket, disk.TmpPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConcurrentUploads posts to one key and to distinct keys at once while
// readers fetch the shared key: every read is a complete object whose MD5 is
// its ETag.
func TestConcurrentUploads(t *testing.T) {
	now := time.Now()
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, 4*writers)
	for i := range writers {
		for _, key := range []string{"uploads/shared.bin", fmt.Sprintf("uploads/own-%d.bin", i)} {
			wg.Go(func() {
				data := bytes.Repeat([]byte{byte('a' + i)}, 64<<10+i)
				body, ct := multipartBody(t, stsForm(key, now).fields(t), fileOf(data))
				req, _ := http.NewRequest(http.MethodPost, f.http.URL+"/"+testBucket, bytes.NewReader(body))
				req.Header.Set("Content-Type", ct)
				resp, err := f.http.Client().Do(req)
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					errs <- fmt.Errorf("post %s: got %d, want 204", key, resp.StatusCode)
				}
			})
		}
		wg.Go(func() {
			for range 5 {
				if err := readWhole(b, "uploads/shared.bin"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := readWhole(b, "uploads/shared.bin"); err != nil {
		t.Error(err)
	}
	if tmp := tempFiles(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// readWhole GETs key and checks the body against the ETag; a missing key is
// fine (not written yet).
func readWhole(b *oss.Bucket, key string) error {
	res, err := b.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, nil)
	if serviceCode(err) == "NoSuchKey" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer res.Response.Body.Close()
	data, err := io.ReadAll(res.Response.Body)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	sum := md5.Sum(data)
	if got, want := `"`+strings.ToUpper(hex.EncodeToString(sum[:]))+`"`, res.Response.Headers.Get("ETag"); got != want {
		return fmt.Errorf("get %s: body MD5 %s, ETag %s (%d bytes): partial object", key, got, want, len(data))
	}
	return nil
}

// TestSlowUploadInvisible streams a file slowly: until the form is complete
// the key does not exist; then it holds the whole file.
func TestSlowUploadInvisible(t *testing.T) {
	now := time.Now()
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	const key = "uploads/slow.bin"
	data := bytes.Repeat([]byte("z"), 200<<10)
	body, ct := multipartBody(t, stsForm(key, now).fields(t), fileOf(data))
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, f.http.URL+"/"+testBucket, pr)
		req.Header.Set("Content-Type", ct)
		resp, err := f.http.Client().Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	half := len(body) / 2
	if _, err := pw.Write(body[:half]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetObject(key); serviceCode(err) != "NoSuchKey" {
		t.Errorf("mid-upload GET: got %v, want NoSuchKey", err)
	}
	pw.Write(body[half:])
	pw.Close()
	if got := <-done; got != http.StatusNoContent {
		t.Fatalf("post: got %d, want 204", got)
	}
	if err := readWhole(b, key); err != nil {
		t.Error(err)
	}
}

// TestDisconnectMidFile cuts the connection in the middle of the file part:
// nothing becomes visible and the temp file goes away.
func TestDisconnectMidFile(t *testing.T) {
	now := time.Now()
	f := newFixture(t, now, nil)
	const key = "uploads/cut.bin"
	body, ct := multipartBody(t, stsForm(key, now).fields(t), fileOf(bytes.Repeat([]byte("c"), 300<<10)))
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(f.http.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", testBucket, ct, len(body))
	conn.Write(body[:len(body)-100<<10])
	deadline := time.Now().Add(5 * time.Second)
	for len(tempFiles(t, f.dir)) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // wait until the server streams the file
	}
	if len(tempFiles(t, f.dir)) == 0 {
		t.Fatal("the server never started writing the file")
	}
	conn.Close()
	for len(tempFiles(t, f.dir)) != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if tmp := tempFiles(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files after disconnect: %v", tmp)
	}
	if _, err := f.srv.store.Open(testBucket, key); err != disk.ErrNotFound {
		t.Errorf("open after disconnect: got %v, want disk.ErrNotFound", err)
	}
}

// TestRestartCleansTemp simulates a crash mid-upload: a temp file is left in
// the bucket directory; New removes it and keeps complete objects.
func TestRestartCleansTemp(t *testing.T) {
	now := time.Now()
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("kept.txt", strings.NewReader("kept")); err != nil {
		t.Fatal(err)
	}
	crash := filepath.Join(f.dir, testBucket, disk.TmpPrefix+"crashed")
	if err := os.WriteFile(crash, []byte("half an object"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{DataDir: f.dir, Region: testRegion, Buckets: []string{testBucket}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if tmp := tempFiles(t, f.dir); len(tmp) != 0 {
		t.Errorf("temp files after restart: got %v, want none", tmp)
	}
	objs, err := srv.store.List(testBucket, "")
	if err != nil || len(objs) != 1 || objs[0].Key != "kept.txt" {
		t.Errorf("objects after restart: got %+v (%v), want kept.txt", objs, err)
	}
}
