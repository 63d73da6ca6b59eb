package deploy

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPackage runs `make package` (an incremental build with the shared Go
// cache) and checks the zip every function's code path names: exactly
// bootstrap and ossgate, both executable, bootstrap the repository's, ossgate
// a static linux/amd64 executable.
func TestPackage(t *testing.T) {
	if _, err := exec.LookPath("zip"); err != nil {
		t.Skip("zip is not installed (make deps installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "-s", "package")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make package: %v\n%s", err, out)
	}
	p := loadSYAML(t)
	for name, r := range p.Resources {
		if r.Component != "fc3" {
			continue
		}
		if got, want := filepath.Clean(r.Props.Code), filepath.Join("build", "ossgate.zip"); got != want {
			t.Errorf("%s: code %q, want %q (the zip make package builds)", name, got, want)
		}
	}
	zr, err := zip.OpenReader(filepath.Join(repoRoot, "build", "ossgate.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		mode := f.Mode()
		if !mode.IsRegular() || mode&0o111 != 0o111 {
			t.Errorf("%s: mode %v, want a regular file executable by everyone", f.Name, mode)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	if got, want := keys(files), []string{"bootstrap", "ossgate"}; !cmp.Equal(got, want) {
		t.Fatalf("zip entries: got %v, want %v", got, want)
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files["bootstrap"], src) {
		t.Errorf("zipped bootstrap differs from the repository's bootstrap")
	}
	checkStaticAMD64(t, files["ossgate"])
}

func checkStaticAMD64(t *testing.T, b []byte) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ossgate is not an ELF file: %v", err)
	}
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 || f.Type != elf.ET_EXEC {
		t.Errorf("ossgate: got %v %v %v, want ELFCLASS64 EM_X86_64 ET_EXEC", f.Class, f.Machine, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("ossgate has a %v program header: it is not static (CGO_ENABLED=0)", p.Type)
		}
	}
}
