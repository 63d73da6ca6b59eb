package disk

import (
	"path/filepath"
	"testing"
)

// TestRemoveTempsToleratesVanishing: a restart over a data directory that
// the previous server is still cleaning is not an error (it once failed
// with "remove temp file: no such file or directory").
func TestRemoveTempsToleratesVanishing(t *testing.T) {
	if err := removeTemps(filepath.Join(t.TempDir(), "gone")); err != nil {
		t.Errorf("missing dir: got %v, want nil", err)
	}
}
