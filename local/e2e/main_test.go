// Package e2e holds the end-to-end tests: the real ossgate binary, built once
// per test binary, runs under the FC emulator against the strict local OSS
// endpoint (see local/stack). Tests start a stack with startStack.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// codeDir holds bootstrap and the ossgate binary built by TestMain, the same
// layout as build/code.
var codeDir string

// repoRoot is the repository root, relative to this package.
const repoRoot = "../.."

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ossgate-e2e-code-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if err := codepkg.Build(context.Background(), repoRoot, "./function", dir); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		codeDir = dir
		defer dbs.Close()
		return m.Run()
	}()
	os.Exit(code)
}

// startStack starts a stack from the binary TestMain built. Zero cfg fields
// get test defaults: CodeDir, DataDir (a t.TempDir), a 30s start bound, and
// the functions' output captured and logged if the test fails. The stack is
// closed (every function process killed) when the test ends.
func startStack(t *testing.T, cfg stack.Config) *stack.Stack {
	t.Helper()
	if cfg.CodeDir == "" {
		cfg.CodeDir = codeDir
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	out := &testutil.SyncBuffer{}
	if cfg.Output == nil {
		cfg.Output = out
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := stack.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("stack.Start: %v\nfunction output:\n%s", err, out)
	}
	t.Cleanup(func() {
		st.Close()
		if t.Failed() {
			t.Logf("function output:\n%s", out)
		}
	})
	return st
}

// drainRecords waits (at most 20s) until every OSS event of the uploads
// answered so far reached the record function and was delivered or given up.
func drainRecords(t *testing.T, st *stack.Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := st.DrainEvents(ctx); err != nil {
		t.Fatal(err)
	}
}
