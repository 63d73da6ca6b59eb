package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestOSSOnlySeveralBuckets: -bucket with a comma-separated list serves
// each bucket (a copy between them works, as OSS copies across buckets of
// one region), the line names the first, and other names stay NoSuchBucket.
func TestOSSOnlySeveralBuckets(t *testing.T) {
	args := []string{"-oss-only", "-oss-port", "0", "-data", t.TempDir(), "-log-level", "warn", "-until-stdin-closes",
		"-bucket", "first-bucket,second-bucket"}
	stdin, stopIt := io.Pipe()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(args, stdin, pw, io.Discard) }()
	t.Cleanup(func() {
		stopIt.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("-oss-only did not stop")
		}
		pw.Close()
	})
	lines := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(pr).ReadString('\n')
		lines <- l
		_, _ = io.Copy(io.Discard, pr)
	}()
	var info ossOnlyInfo
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &info); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
	case err := <-done:
		t.Fatalf("-oss-only stopped before printing: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("-oss-only printed nothing in 10 s")
	}
	if info.Bucket != "first-bucket" {
		t.Errorf("line names bucket %q, want first-bucket", info.Bucket)
	}
	c, err := oss.New(info.Endpoint, info.AccessKeyID, info.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := c.Bucket("first-bucket")
	second, _ := c.Bucket("second-bucket")
	if err := first.PutObject("k", strings.NewReader("v")); err != nil {
		t.Fatalf("put in the first bucket: %v", err)
	}
	if _, err := second.CopyObjectFrom("first-bucket", "k", "copied"); err != nil {
		t.Fatalf("copy into the second bucket: %v", err)
	}
	if ok, err := second.IsObjectExist("copied"); err != nil || !ok {
		t.Errorf("copy in the second bucket: %v %v", ok, err)
	}
	other, _ := c.Bucket("third-bucket")
	var se oss.ServiceError
	if err := other.PutObject("k", strings.NewReader("v")); !errors.As(err, &se) || se.Code != "NoSuchBucket" {
		t.Errorf("put in an unserved bucket: got %v, want NoSuchBucket", err)
	}
}
