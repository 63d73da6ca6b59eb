package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

const repoRoot = "../../.."

// secret is the local stack's HS256 secret in these tests.
const secret = "smoke-test-secret-of-at-least-32-bytes!!"

// startLocal starts the stack make run starts (the real binary under the
// FC emulator, the local OSS endpoint, the record function on its trigger)
// on free ports, with a JWT secret instead of anonymous signing.
func startLocal(t *testing.T) *stack.Stack {
	t.Helper()
	code := t.TempDir()
	if err := codepkg.Build(t.Context(), repoRoot, "./function", code); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	out := &testutil.SyncBuffer{}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: t.TempDir(), JWTSecret: secret, Output: out})
	if err != nil {
		t.Fatalf("start the local stack: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		st.Close()
		if t.Failed() {
			t.Logf("function output:\n%s", out)
		}
	})
	return st
}

// TestMakeSmokeAgainstTheLocalStack runs `make smoke` against the local
// stack: every step passes and is printed with its time; a bad token stops
// it at the first step with a non-zero status.
func TestMakeSmokeAgainstTheLocalStack(t *testing.T) {
	st := startLocal(t)
	token := testutil.Token(secret, "smoke-user", time.Hour)
	smoke := func(signURL, token string) (string, error) {
		cmd := exec.Command("make", "-s", "smoke", "SIGN_URL="+signURL, "TOKEN="+token)
		cmd.Dir = repoRoot
		cmd.Env = os.Environ()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := smoke(st.SignURL+"/sign", token)
	if err != nil {
		t.Fatalf("make smoke: %v\n%s", err, out)
	}
	t.Logf("make smoke:\n%s", out)
	for _, step := range []string{"sign", "upload", "record", "download", "thumbnail", "delete"} {
		if !regexp.MustCompile(`(?m)^ok   ` + step + ` +\d+(\.\d+)?(ms|s|µs)  \S`).MatchString(out) {
			t.Errorf("no timed ok line for %s in:\n%s", step, out)
		}
	}
	for _, want := range []string{"bytes, identical", "png 256x160", "smoke test passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = smoke(st.SignURL, testutil.Token("another-secret-of-at-least-32-bytes!!!!!", "x", time.Hour))
	if err == nil || !strings.Contains(out, "FAIL sign") || !strings.Contains(out, "401") {
		t.Errorf("make smoke with a bad token: got %v\n%s\nwant a failure at sign (401)", err, out)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		args    []string
		wantURL string
		wantErr bool
	}{
		{[]string{"-sign-url", "https://x.example.com/sign", "-token", "t"}, "https://x.example.com", false},
		{[]string{"-sign-url", "https://x.example.com/", "-token", "t"}, "https://x.example.com", false},
		{[]string{"-sign-url", "https://x.example.com"}, "", true},
		{[]string{"-token", "t"}, "", true},
	}
	t.Setenv("SIGN_URL", "")
	t.Setenv("TOKEN", "")
	for _, tt := range tests {
		o, err := parse(tt.args)
		if (err != nil) != tt.wantErr || (!tt.wantErr && o.signURL != tt.wantURL) {
			t.Errorf("parse(%q) = %q, %v; want %q, error %v", tt.args, o.signURL, err, tt.wantURL, tt.wantErr)
		}
	}
}
