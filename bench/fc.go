package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
)

// BuildCode builds the code package FC runs (bootstrap + the static ossgate
// binary, flags as in `make build`) into dir, from the module at root.
func BuildCode(ctx context.Context, root, dir string) error {
	return codepkg.Build(ctx, root, "./function", dir)
}

// codeDir returns the code directory the phases share, {Work}/code,
// building the function's code package there the first time a phase
// needs it.
func (r *Runner) codeDir(ctx context.Context) (string, error) {
	code := filepath.Join(r.Work, "code")
	if _, err := os.Stat(filepath.Join(code, "ossgate")); err == nil {
		return code, nil
	}
	return code, BuildCode(ctx, r.Root, code)
}

// Function is one function running under the FC runtime emulator, with its
// HTTP trigger served on 127.0.0.1.
type Function struct {
	Emu  *fcemu.Emulator
	URL  string // http://127.0.0.1:port
	srv  *http.Server
	code string
}

// FakeCredentials returns the fixture's STS-style credentials for every
// invocation (the sign function only signs with them; nothing checks them).
func (f Fixture) FakeCredentials() fcemu.Credential {
	return fcemu.Credential{AccessKeyID: f.AccessKeyID, AccessKeySecret: f.Secret, SecurityToken: f.SecurityToken}
}

// StartFunction runs the code package in codeDir as function name (the
// OSSGATE_FUNCTION value) with env and the given number of instances.
// Function output goes to out (nil discards it).
func StartFunction(codeDir, name string, env []string, instances int, creds func() fcemu.Credential, out io.Writer) (*Function, error) {
	emu, err := fcemu.Start(fcemu.Config{
		Name: name, CodeDir: codeDir, Instances: instances, Timeout: 10 * time.Second,
		Env:         append([]string{"OSSGATE_FUNCTION=" + name}, env...),
		Credentials: creds, Output: out,
	})
	if err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", name, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		emu.Close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	f := &Function{Emu: emu, URL: "http://" + ln.Addr().String(), code: codeDir,
		srv: &http.Server{Handler: emu, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// Close stops the HTTP front and the emulator (and so every instance).
func (f *Function) Close() {
	_ = f.srv.Close()
	f.Emu.Close()
}

// PIDs returns the ids of the running ossgate processes of this code
// package (bootstrap execs ossgate, so /proc/<pid>/exe names it).
func (f *Function) PIDs() []int { return testutil.ExePIDs(filepath.Join(f.code, "ossgate")) }

// Median returns the median of ds (0 for none).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
