package deploy

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
)

// The stand-in for the s CLI (testdata/stand-in-s) fails the ways the real
// one does, with the real one's layout, and records what it is asked to
// deploy so that a second run can show it changed nothing.

var standIn struct {
	once sync.Once
	bin  string
	err  error
}

// standInS builds the stand-in once per test binary and returns its path
// and the environment it needs: its failure texts, a HOME for its logs,
// the preview it prints and the state directory of its "cloud".
func standInS(t *testing.T) (bin string, env []string) {
	t.Helper()
	standIn.once.Do(func() {
		dir, err := os.MkdirTemp("", "ossgate-stand-in-s-")
		if err != nil {
			standIn.err = err
			return
		}
		standIn.bin = filepath.Join(dir, "s")
		cmd := exec.Command("go", "build", "-o", standIn.bin, "./deploy/testdata/stand-in-s")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			standIn.err = errors.New(string(out))
		}
	})
	if standIn.err != nil {
		t.Fatalf("build the stand-in s: %v", standIn.err)
	}
	failures, err := filepath.Abs(filepath.Join("testdata", "stand-in-s"))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	return standIn.bin, []string{"STANDIN_DIR=" + failures, "HOME=" + home, "STANDIN_STATE=" + filepath.Join(home, "cloud")}
}

// standInFailures are the failures the stand-in reproduces and a piece of
// the cloud's own answer that must reach the user.
var standInFailures = []struct{ name, want string }{
	{"bad-key", "InvalidAccessKeyId.NotFound: code: 404, Specified access key is not found."},
	{"passrole-refused", "the caller is not authorized to perform 'ram:PassRole' on resource 'acs:ram::1234567890123456:role/ossgate-sign'"},
	{"role-missing", "role 'acs:ram::1234567890123456:role/ossgate-record' does not exist"},
	{"bucket-region", "the bucket 'ossgate-uploads' is in region cn-shanghai, not in the function's region cn-hangzhou"},
	{"network", "getaddrinfo EAI_AGAIN api.devsapp.cn"},
}

func TestRunSFailure(t *testing.T) {
	bin, env := standInS(t)
	for _, tt := range standInFailures {
		t.Run(tt.name, func(t *testing.T) {
			for _, kv := range append(env, "STANDIN_FAIL="+tt.name) {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			out, err := RunS(context.Background(), bin, "deploy", "-a", "default", "-y", "--silent", "-o", "json")
			var f *SFailure
			if !errors.As(err, &f) {
				t.Fatalf("RunS: got %q, %v; want an *SFailure", out, err)
			}
			if f.ExitCode != 101 || f.Command != "s deploy" {
				t.Errorf("got command %q exit %d, want s deploy exit 101", f.Command, f.ExitCode)
			}
			if !strings.Contains(f.Text, tt.want) || !strings.Contains(f.Text, "Error Message:") {
				t.Errorf("text %q lacks the cloud's answer %q", f.Text, tt.want)
			}
			if _, err := os.Stat(filepath.Join(f.LogDir, "error.json")); err != nil {
				t.Errorf("log directory %q: %v", f.LogDir, err)
			}
			for _, noise := range []string{"Feedback:", "Env:", "A complete log"} {
				if strings.Contains(f.Text, noise) {
					t.Errorf("text keeps the footer line %q:\n%s", noise, f.Text)
				}
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, "s log: "+f.LogDir) {
				t.Errorf("error message %q: want the cloud's answer and the log path", msg)
			}
		})
	}
}

func TestParseSFailure(t *testing.T) {
	tests := []struct {
		name, out, wantText, wantLog string
	}{
		{"colours and footer", "\x1b[31m✖ [sign] failed to [deploy]:\x1b[39m\n====================\n\x1b[31mError Message:\x1b[39m\n\x1b[31mboom\x1b[39m\n \n\x1b[90mLogs:      \x1b[4m/tmp/x/.s/logs/1\x1b[24m   \x1b[39m\n",
			"✖ [sign] failed to [deploy]:\n====================\nError Message:\nboom", "/tmp/x/.s/logs/1"},
		{"no error block", "node: bad option: --frobnicate\n", "node: bad option: --frobnicate", ""},
		{"root warning only dropped", "It is not recommended to run the command as root\nError Message:\nx\n", "Error Message:\nx", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseSFailure(tt.out)
			if f.Text != tt.wantText || f.LogDir != tt.wantLog {
				t.Errorf("got text %q log %q, want %q, %q", f.Text, f.LogDir, tt.wantText, tt.wantLog)
			}
		})
	}
}

// previewFile writes the rendered, complete s.yaml as the JSON `s preview`
// prints and returns its path.
func previewFile(t *testing.T) string {
	t.Helper()
	p := renderedSYAML(t, func(k string) string {
		return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k]
	})
	b, err := yaml.MarshalWithOptions(p, yaml.JSON())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "preview.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// makeDeploy runs `make -s deploy` with the stand-in as the s CLI and
// returns its combined output and error.
func makeDeploy(t *testing.T, env ...string) (string, error) {
	t.Helper()
	bin, standEnv := standInS(t)
	cmd := exec.Command("make", "-s", "deploy", "S="+bin)
	cmd.Dir = repoRoot
	// The stand-in's HOME must not move Go's caches: pin them first.
	goEnv, err := exec.Command("go", "env", "GOPATH", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	dirs := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	cmd.Env = append(os.Environ(), "GOPATH="+dirs[0], "GOCACHE="+dirs[1], "GOMODCACHE="+dirs[2])
	cmd.Env = append(append(cmd.Env, standEnv...), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestMakeDeployShowsTheCloudsAnswer runs `make deploy` with a stand-in s
// that fails as the real one does: the cloud's own words and the path of
// the CLI's log reach the user, and make fails.
func TestMakeDeployShowsTheCloudsAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the code package")
	}
	preview := previewFile(t)
	for _, tt := range standInFailures {
		t.Run(tt.name, func(t *testing.T) {
			out, err := makeDeploy(t, "STANDIN_PREVIEW="+preview, "STANDIN_FAIL="+tt.name)
			if err == nil {
				t.Fatalf("make deploy succeeded; output:\n%s", out)
			}
			for _, want := range []string{tt.want, "s deploy failed (exit status 101)", "s log: "} {
				if !strings.Contains(out, want) {
					t.Errorf("make deploy output lacks %q; got:\n%s", want, out)
				}
			}
			if strings.Contains(out, "invalid character") || strings.Contains(out, "sign endpoint:") {
				t.Errorf("make deploy parsed the failure as a result:\n%s", out)
			}
		})
	}
}

// TestMakeDeployTwiceChangesNothing deploys twice with the stand-in, which
// compares what it is asked to deploy (each resource's props, and the ROS
// template they name) with the previous run: the first run creates the
// stack and the three functions, the second changes nothing. (On the
// cloud, the ros component answers an identical stack update with "Update
// the completely same stack" and moves on, and fc3 updates a function to
// the same configuration.)
func TestMakeDeployTwiceChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the code package")
	}
	preview := previewFile(t)
	state := filepath.Join(t.TempDir(), "cloud")
	for run, want := range []string{"created", "unchanged"} {
		out, err := makeDeploy(t, "STANDIN_PREVIEW="+preview, "STANDIN_STATE="+state)
		if err != nil {
			t.Fatalf("run %d: make deploy: %v\n%s", run+1, err, out)
		}
		log, err := os.ReadFile(filepath.Join(state, "log"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(log)), "\n")
		got := strings.Join(lines[len(lines)-4:], "\n")
		for _, r := range []string{"ros infra", "fc3 sign", "fc3 record", "fc3 sweep"} {
			if !strings.Contains(got, r+" "+want) {
				t.Errorf("run %d: want %q %s; the stand-in logged:\n%s", run+1, r, want, got)
			}
		}
		if !strings.Contains(out, "sign endpoint: https://ossgate-sign-") {
			t.Errorf("run %d: no sign endpoint printed:\n%s", run+1, out)
		}
	}
}
