package webhook_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/webhook"
)

// goSnippet is the Go verification code of docs/api.md#webhooks.
var goSnippet = regexp.MustCompile("(?s)```go\n(// verify reports whether header.*?)```")

// TestDocsGoSnippet runs the docs' Go verify as a program of its own
// against a fresh signature of this package, a tampered body, another
// secret and an old signature.
func TestDocsGoSnippet(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	m := goSnippet.FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/api.md has no Go verify snippet")
	}
	if n := strings.Count(string(m[1]), "\n"); n > 20 {
		t.Errorf("the Go snippet has %d lines, want it short", n)
	}
	secret, body := []byte("whsec_docs_0123456789"), []byte(`{"id":"evt_1","type":"upload.recorded"}`)
	fresh := webhook.Sign(secret, time.Now(), body)
	old := webhook.Sign(secret, time.Now().Add(-time.Hour), body)
	prog := `package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

` + string(m[1]) + `
func main() {
	s, b := []byte(` + "`" + string(secret) + "`" + `), []byte(` + "`" + string(body) + "`" + `)
	fmt.Println(verify(s, "` + fresh + `", b), verify(s, "` + fresh + `", append(b, ' ')),
		verify([]byte("other"), "` + fresh + `", b), verify(s, "` + old + `", b), verify(s, "garbage", b))
}
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run the snippet: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "true false false false false"; got != want {
		t.Errorf("the docs' verify: got %s, want %s (valid, tampered, other secret, old, garbage)", got, want)
	}
}
