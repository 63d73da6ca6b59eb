// Package codepkg builds an FC code package the way `make build` does: a
// static binary named ossgate with the repository's bootstrap beside it.
// Tests and the bench harness use it to run a binary under the FC runtime
// emulator, so it builds for the machine it runs on (linux/amd64 here, the
// FC target) rather than forcing GOOS/GOARCH.
package codepkg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build builds the Go package pkg (e.g. "./function") of the module at root
// into dir/ossgate (CGO_ENABLED=0, -trimpath, -ldflags "-s -w", for this
// machine's GOOS/GOARCH) and copies
// root/bootstrap to dir/bootstrap with mode 0755. dir is created if needed.
func Build(ctx context.Context, root, pkg, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("codepkg: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(dir, "ossgate"), pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("codepkg: build %s: %w\n%s", pkg, err, out)
	}
	b, err := os.ReadFile(filepath.Join(root, "bootstrap"))
	if err != nil {
		return fmt.Errorf("codepkg: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), b, 0o755); err != nil {
		return fmt.Errorf("codepkg: %w", err)
	}
	return nil
}
