package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
)

// TestBannerScriptWorksAsPrinted starts the launcher as make run does (on
// free ports), takes the example the banner prints and runs it, as
// printed, with bash from a directory holding cat.png: the upload is
// accepted (200), and the listing the banner's last line asks for, with
// the demo token it carries, shows it once recorded.
func TestBannerScriptWorksAsPrinted(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the banner's example needs %s: %v", tool, err)
		}
	}
	code := t.TempDir()
	if err := codepkg.Build(t.Context(), "..", "./function", code); err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-sign-port", "0", "-oss-port", "0", "-data", t.TempDir(), "-code", code, "-demo", "../clients",
			"-log-level", "warn", "-until-stdin-closes", "-max-life", "2m"}, stdinR, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	defer func() {
		stdinW.Close()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var script []string
	sc := bufio.NewScanner(stdoutR)
	inScript := false
	for sc.Scan() && (len(script) == 0 || inScript) {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "try it"):
			inScript = true
		case inScript && strings.HasPrefix(line, "  "):
			script = append(script, strings.TrimPrefix(line, "  "))
		case inScript:
			inScript = false
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	if len(script) < 5 {
		t.Fatalf("no example in the banner; got %q", script)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cat.png"), testutil.PNGFile("banner", 1), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := strings.Join(script[:len(script)-1], "\n")
	out, err := bash(t.Context(), dir, upload)
	if err != nil || !regexp.MustCompile(`(?m)^200$`).MatchString(out) {
		t.Fatalf("the banner's upload: got %q, %v; want 200\nscript:\n%s", out, err, upload)
	}
	list := script[len(script)-1]
	if !strings.Contains(list, "Authorization: Bearer ey") {
		t.Errorf("the listing line carries no demo token: %s", list)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err = bash(t.Context(), dir, list)
		if err == nil && strings.Contains(out, `"originalName":"cat.png"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the banner's listing never showed cat.png: last got %q, %v", out, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func bash(ctx context.Context, dir, script string) (string, error) {
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
