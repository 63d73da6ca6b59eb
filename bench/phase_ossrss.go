package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/signer"
)

// OSSRSSBytes is the size of each upload the OSS memory phase streams, and
// OSSRSSLimitMiB the peak resident set the local OSS may reach meanwhile.
const (
	OSSRSSBytes    = 1 << 30
	OSSRSSLimitMiB = 64
	ossRSSPart     = 128 << 20
)

// OSSRSS measures that the local OSS endpoint streams uploads rather than
// buffering them: the real binary (`go build ./local`, run with -oss-only)
// takes a 1 GiB PutObject, a 1 GiB PostObject and a 1 GiB multipart upload
// (8 parts of 128 MiB, then CompleteMultipartUpload, which concatenates them)
// over loopback, and its peak RSS (VmHWM, reset through
// /proc/<pid>/clear_refs before each upload) is recorded per upload.
func (r *Runner) OSSRSS(ctx context.Context) error {
	exe := filepath.Join(r.Work, "ossgate-local")
	build := exec.CommandContext(ctx, "go", "build", "-o", exe, "./local")
	build.Dir, build.Stderr = r.Root, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("bench: build ./local: %w", err)
	}
	data := filepath.Join(r.Work, "ossrss-data")
	defer os.RemoveAll(data)
	cmd := exec.CommandContext(ctx, exe, "-oss-only", "-oss-port", "0", "-data", data, "-log-level", "warn")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bench: start -oss-only: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	var info struct{ Endpoint, Bucket, Region, AccessKeyID, AccessKeySecret string }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || json.Unmarshal([]byte(line), &info) != nil {
		return fmt.Errorf("bench: -oss-only printed %q: %v", line, err)
	}
	cl, err := oss.New(info.Endpoint, info.AccessKeyID, info.AccessKeySecret, oss.Timeout(10, 600))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	b, err := cl.Bucket(info.Bucket)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	uploads := []struct {
		id, what string
		run      func() error
	}{
		{"oss_rss_put_1gib", "local OSS peak RSS, 1 GiB PutObject", func() error {
			return b.PutObject("rss/put.bin", pattern(OSSRSSBytes), oss.ContentLength(OSSRSSBytes))
		}},
		{"oss_rss_post_1gib", "local OSS peak RSS, 1 GiB PostObject", func() error {
			return postObject(ctx, info.Endpoint+"/"+info.Bucket, info.Bucket, info.Region, info.AccessKeyID, info.AccessKeySecret)
		}},
		{"oss_rss_multipart_1gib", "local OSS peak RSS, 1 GiB multipart upload (8 × 128 MiB + complete)", func() error { return multipartUpload(b) }},
	}
	pid := cmd.Process.Pid
	for _, u := range uploads {
		_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) // reset VmHWM
		t0 := time.Now()
		if err := u.run(); err != nil {
			r.Skip(u.id, err)
			continue
		}
		took := time.Since(t0)
		kb, err := ProcStatusKB(pid, "VmHWM")
		if err != nil {
			return err
		}
		mib := float64(kb) / 1024
		r.Results.Add(Targeted(Figure{ID: u.id + "_mib", What: u.what, Value: mib, Unit: "MiB",
			Command: "go run ./bench/cmd/ossgate-bench -phases ossrss (go build ./local; -oss-only; VmHWM after the upload)",
			Note:    fmt.Sprintf("%.0f MiB/s over loopback, fsync included", float64(OSSRSSBytes)/(1<<20)/took.Seconds())},
			fmt.Sprintf("≤ %d MiB", OSSRSSLimitMiB), mib <= OSSRSSLimitMiB))
		r.logf("%s: peak RSS %.1f MiB, %s", u.id, mib, took.Round(time.Millisecond))
		if err := os.RemoveAll(filepath.Join(data, info.Bucket, "rss")); err != nil {
			return err
		}
	}
	return nil
}

// pattern is n bytes of a 1 MiB pseudo-random block repeated, as an
// io.LimitedReader (so the SDK knows its length without reading it).
func pattern(n int64) *io.LimitedReader {
	block := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range block {
		block[i] = byte(rng.Uint32())
	}
	return &io.LimitedReader{R: &repeatReader{block: block}, N: n}
}

type repeatReader struct {
	block []byte
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	return n, nil
}

// postObject streams a V4-signed PostObject form with a 1 GiB file part
// (chunked: the body is never held in memory here either).
func postObject(ctx context.Context, url, bucketName, region, ak, secret string) error {
	now := time.Now()
	form, err := signer.Sign(signer.Credentials{AccessKeyID: ak, AccessKeySecret: secret}, signer.Policy{
		Expiration: now.Add(30 * time.Minute),
		Conditions: []signer.Condition{signer.Bucket(bucketName), signer.Eq("key", "rss/post.bin"), signer.ContentLengthRange(1, OSSRSSBytes)},
	}, region, now)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for name, value := range form.All() {
			if err := mw.WriteField(name, value); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		fw, err := mw.CreateFormFile("file", "post.bin")
		if err == nil {
			_, err = io.Copy(fw, pattern(OSSRSSBytes))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, pr)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("bench: PostObject: %d %s", resp.StatusCode, body)
	}
	return nil
}

// multipartUpload uploads 1 GiB as 8 parts of 128 MiB and completes it.
func multipartUpload(b *oss.Bucket) error {
	imur, err := b.InitiateMultipartUpload("rss/multipart.bin")
	if err != nil {
		return err
	}
	var parts []oss.UploadPart
	for i := range OSSRSSBytes / ossRSSPart {
		p, err := b.UploadPart(imur, pattern(ossRSSPart), ossRSSPart, i+1)
		if err != nil {
			return fmt.Errorf("bench: part %d: %w", i+1, err)
		}
		parts = append(parts, p)
	}
	res, err := b.CompleteMultipartUpload(imur, parts)
	if err != nil {
		return err
	}
	h, err := b.GetObjectDetailedMeta("rss/multipart.bin")
	if err != nil {
		return err
	}
	if h.Get("Content-Length") != strconv.Itoa(OSSRSSBytes) || h.Get("ETag") != res.ETag {
		return fmt.Errorf("bench: multipart object: %s bytes, ETag %s (complete said %s)", h.Get("Content-Length"), h.Get("ETag"), res.ETag)
	}
	return nil
}
