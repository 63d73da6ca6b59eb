package fcemu

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
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
		if err := codepkg.Build(context.Background(), "../..", "./local/fcemu/testdata/fn", dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		codeDir = dir
		return m.Run()
	}()
	os.Exit(code)
}

// start starts an emulator of the test function; it is closed (and its
// output logged on failure) when the test ends.
func start(t *testing.T, cfg Config) *Emulator {
	t.Helper()
	if cfg.CodeDir == "" {
		cfg.CodeDir = codeDir
	}
	out := &testutil.SyncBuffer{}
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
