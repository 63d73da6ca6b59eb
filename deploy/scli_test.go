package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The Serverless Devs CLI, pinned in deploy/package.json, is run offline:
// inside a fresh network namespace (`unshare -rn`: loopback only, so nothing
// can reach a registry or the cloud), with a temporary HOME holding a fake
// access. Offline it can print its version, store an access, and render the
// project (`s preview`: vars, env(), config('AccountID')); `s verify`,
// `s plan` and `s deploy` first download the fc3 component from the Serverless
// Devs registry, so they cannot run here.

const fakeSecret = "an-obviously-fake-jwt-secret-of-40-bytes!"

type sCLI struct {
	t    *testing.T
	bin  string
	home string
}

func newSCLI(t *testing.T) *sCLI {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(repoRoot, "deploy", "node_modules", ".bin", "s"))
	if err != nil {
		t.Fatal(err)
	}
	_, nodeErr := exec.LookPath("node")
	_, binErr := os.Stat(bin)
	netErr := exec.Command("unshare", "-rn", "true").Run()
	if nodeErr != nil || binErr != nil || netErr != nil {
		msg := "the s CLI cannot run offline here (needs node, `make deps` for deploy/node_modules, and `unshare -rn`)"
		if os.Getenv("OSSGATE_REQUIRE_ORACLE") == "1" {
			t.Fatalf("%s: node: %v; s: %v; unshare: %v", msg, nodeErr, binErr, netErr)
		}
		t.Skip(msg)
	}
	return &sCLI{t: t, bin: bin, home: lingeringDir(t)}
}

// lingeringDir returns a temporary directory for the CLI's HOME, removed
// when the test ends. The CLI may leave a detached child writing its logs
// there for a moment after it exits (t.TempDir's cleanup then fails with
// "directory not empty"), so removal is retried for up to 5 s.
func lingeringDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ossgate-s-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("remove %s: %v", dir, err)
	})
	return dir
}

// run runs command (a program and its arguments) without network, with the
// fake HOME; it returns stdout and fails the test on a non-zero exit unless
// mayFail.
func (s *sCLI) run(mayFail bool, env []string, command ...string) (string, error) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"-rn"}, command...)...)
	cmd.Dir = repoRoot
	cmd.Env = append([]string{"HOME=" + s.home, "PATH=" + os.Getenv("PATH"), "NO_UPDATE_NOTIFIER=1", "GOTOOLCHAIN=local"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && !mayFail {
		s.t.Fatalf("%v: %v\nstdout:\n%s\nstderr:\n%s", command, err, stdout.String(), stderr.String())
	}
	return stdout.String(), err
}

func (s *sCLI) s(args ...string) string {
	s.t.Helper()
	out, _ := s.run(false, []string{"OSSGATE_JWT_SECRET=" + fakeSecret}, append([]string{s.bin}, args...)...)
	return out
}

func TestSCLIVersion(t *testing.T) {
	cli := newSCLI(t)
	lock, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatal(err)
	}
	want := "@serverless-devs/s: " + l.Packages["node_modules/@serverless-devs/s"].Version + ","
	if got := cli.s("-v"); !strings.Contains(got, want) {
		t.Errorf("s -v: got %q, want it to contain %q", got, want)
	}
}

// TestSPreviewMatchesResolver renders a filled-in copy of s.yaml with the
// real CLI and checks that it equals what this package's resolver makes of
// it, and that the pre-flight check accepts it.
func TestSPreviewMatchesResolver(t *testing.T) {
	cli := newSCLI(t)
	cli.s("config", "add", "-a", "ossgate-test", "--AccessKeyID", "LTAIexampleFAKEKEY", "--AccessKeySecret", "exampleFAKEsecret", "--AccountID", fakeAccount)
	text, err := os.ReadFile(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.Replace(string(text), "\n  bucket: ''\n", "\n  bucket: example-bucket\n", 1)
	if filled == string(text) {
		t.Fatal("s.yaml has no `bucket: ''` line in vars to fill in")
	}
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(tmpl, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProject([]byte(cli.s("preview", "-t", tmpl, "-a", "ossgate-test", "-o", "json", "--silent")))
	if err != nil {
		t.Fatal(err)
	}
	got = got.WithStackOutputs(fakeAccount) // left as they are by both
	want := renderedSYAML(t, func(k string) string {
		return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k]
	})
	want.Access = "ossgate-test"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("s preview differs from the resolver (-resolver +s preview):\n%s", d)
	}
	if err := os.MkdirAll(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "build", "ossgate.zip"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "deploy", "ros"), 0o755); err != nil {
		t.Fatal(err)
	}
	if tmpl, err := os.ReadFile(filepath.Join(repoRoot, ROSTemplateFile)); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(filepath.Join(dir, ROSTemplateFile), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	if problems := Check(got, dir); len(problems) > 0 {
		t.Errorf("Check of a complete configuration: got problems %q, want none", problems)
	}
}

// TestMakeDeployRefuses runs `make deploy` on the shipped s.yaml (no bucket,
// no access, no JWT secret) without network and checks that it stops before
// `s deploy`, naming what is missing.
func TestMakeDeployRefuses(t *testing.T) {
	cli := newSCLI(t)
	var goEnv []string
	for _, k := range []string{"GOPATH", "GOCACHE", "GOMODCACHE", "GOROOT"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv = append(goEnv, k+"="+strings.TrimSpace(string(out)))
	}
	out, err := cli.run(true, append(goEnv, "OSSGATE_ACCESS=ossgate-missing"), "make", "-s", "deploy")
	if err == nil {
		t.Fatalf("make deploy succeeded offline with the shipped s.yaml; output:\n%s", out)
	}
	for _, want := range []string{
		"refusing to deploy",
		`access "ossgate-missing" is not configured`,
		"OSSGATE_BUCKET: required",
		"no caller authentication",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("make deploy output lacks %q; got:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sign endpoint:") {
		t.Errorf("make deploy went past the check:\n%s", out)
	}
}

// TestSPreviewDomainProject renders s.domain.yaml with the real CLI and
// checks that its custom domain, and everything it takes from s.yaml,
// equals what LoadProject makes of the extension.
func TestSPreviewDomainProject(t *testing.T) {
	cli := newSCLI(t)
	cli.s("config", "add", "-a", "ossgate-test", "--AccessKeyID", "LTAIexampleFAKEKEY", "--AccessKeySecret", "exampleFAKEsecret", "--AccountID", fakeAccount)
	dir := t.TempDir()
	text, err := os.ReadFile(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.Replace(string(text), "\n  domain: ''\n", "\n  domain: upload.example.com\n", 1)
	for name, b := range map[string][]byte{"s.yaml": []byte(filled)} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ext, err := os.ReadFile(filepath.Join(repoRoot, DomainProjectFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, DomainProjectFile), ext, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProject([]byte(cli.s("preview", "-t", filepath.Join(dir, DomainProjectFile), "-a", "ossgate-test", "-o", "json", "--silent")))
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadProject(filepath.Join(dir, DomainProjectFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Rendered(Env{Getenv: func(k string) string { return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k] },
		Config: map[string]string{"AccountID": fakeAccount}})
	if err != nil {
		t.Fatal(err)
	}
	want.Access = "ossgate-test"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("s preview of %s differs from LoadProject (-ours +s preview):\n%s", DomainProjectFile, d)
	}
	if got.Resources["domain"].Other["domainName"] != "upload.example.com" {
		t.Errorf("domain: %v", got.Resources["domain"].Other)
	}
}
