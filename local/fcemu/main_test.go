package fcemu

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// codeDir holds the test function built as "ossgate" next to the
// repository's real bootstrap, like build/code.
var codeDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fcemu-code-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if err := buildFn(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		codeDir = dir
		return m.Run()
	}()
	os.Exit(code)
}

func buildFn(dir string) error {
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "ossgate"), "./testdata/fn")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build test function: %v\n%s", err, out)
	}
	b, err := os.ReadFile("../../bootstrap")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "bootstrap"), b, 0o755)
}

// syncBuffer collects function output; it is logged when the test fails.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start starts an emulator of the test function; it is closed (and its
// output logged on failure) when the test ends.
func start(t *testing.T, cfg Config) *Emulator {
	t.Helper()
	if cfg.CodeDir == "" {
		cfg.CodeDir = codeDir
	}
	out := &syncBuffer{}
	cfg.Output = out
	e, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v\noutput:\n%s", err, out)
	}
	t.Cleanup(func() {
		e.Close()
		if t.Failed() {
			t.Logf("function output:\n%s", out)
		}
	})
	return e
}

func writeExec(path, script string) error {
	return os.WriteFile(path, []byte(script), 0o755)
}
