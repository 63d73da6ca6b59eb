// Package oracletest runs the independent Node.js oracle (Alibaba's official
// ali-oss package, pinned in testdata/oracle) from Go tests. A script reads
// one JSON document on stdin and writes one JSON document on stdout.
package oracletest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Dir returns the absolute path of testdata/oracle.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "oracle")
}

// Require skips t when the oracle's Node packages are not installed, unless
// OSSGATE_REQUIRE_ORACLE=1 (set by `make test`), in which case it fails t:
// under make the oracle checks can never be skipped silently.
func Require(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err == nil {
		if _, err := os.Stat(filepath.Join(Dir(), "node_modules", "ali-oss")); err == nil {
			return
		}
	}
	if os.Getenv("OSSGATE_REQUIRE_ORACLE") == "1" {
		t.Fatal("oracletest: node or testdata/oracle/node_modules missing; run `make deps`")
	}
	t.Skip("oracletest: node packages not installed (run `make deps`, or `make test`)")
}

// Run runs `node testdata/oracle/<script>` with in encoded as JSON on stdin
// and decodes its stdout into out. It fails t on any error, with stderr.
func Run(t testing.TB, script string, in, out any) {
	t.Helper()
	Require(t)
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("oracletest: encode input: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(Dir(), script))
	cmd.Dir = Dir()
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("oracletest: node %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("oracletest: decode output of %s: %v\nstdout:\n%.2000s", script, err, stdout.String())
	}
}
