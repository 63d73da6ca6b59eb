package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/internal/oracletest"
)

// TestOSSOnlyRoundTrip starts -oss-only (on a free port, in a temp data
// directory) and hands the one line it prints, unchanged, to ali-oss, which
// puts, gets, lists and deletes an object with V1 and with V4 signatures.
func TestOSSOnlyRoundTrip(t *testing.T) {
	oracletest.Require(t)
	// The whole launcher, as `go run ./local -oss-only` runs it; closing its
	// standard input stops it (-until-stdin-closes).
	args := []string{"-oss-only", "-oss-port", "0", "-data", t.TempDir(), "-log-level", "warn", "-until-stdin-closes"}
	stdin, stopIt := io.Pipe()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(args, stdin, pw, io.Discard) }()
	lines := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(pr).ReadString('\n')
		lines <- l
		_, _ = io.Copy(io.Discard, pr)
	}()
	var line string
	select {
	case line = <-lines:
	case err := <-done:
		t.Fatalf("-oss-only stopped before printing: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("-oss-only printed nothing in 10 s")
	}
	var info ossOnlyInfo
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil || info.Endpoint == "" || info.AccessKeyID == "" || info.AccessKeySecret == "" {
		t.Fatalf("line %q: %+v, %v; want endpoint, bucket, region, accessKeyId, accessKeySecret", line, info, err)
	}
	if info.Bucket != "ossgate-local" || info.Region != "cn-hangzhou" {
		t.Errorf("bucket %q region %q, want the -bucket and -region defaults", info.Bucket, info.Region)
	}
	var got map[string]map[string]any
	oracletest.Run(t, "standalone.js", json.RawMessage(line), &got)
	for _, v := range []string{"v1", "v4"} {
		want := map[string]any{"put": 200.0, "get": "hello from ali-oss", "list": []any{"standalone/" + v + "/hello world.txt"}, "delete": 204.0, "afterDelete": 404.0}
		if diff := cmp.Diff(want, got[v]); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", v, diff)
		}
	}
	stopIt.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run -oss-only: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("-oss-only did not stop within 10 s of its standard input closing")
	}
	pw.Close()
}
