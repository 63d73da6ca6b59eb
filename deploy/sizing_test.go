package deploy

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestMemoryFromMeasurements checks each function's memorySize against the
// peak RSS `make bench` measured (bench/results.json, figures
// "<function>_peak_rss" in MiB): at least twice the peak, for headroom under
// bigger requests and GC. FC's smallest size, 128 MB, is the floor anyway.
func TestMemoryFromMeasurements(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "bench", "results.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no bench/results.json yet (make bench writes it)")
	} else if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Figures []struct {
			ID    string  `json:"id"`
			Value float64 `json:"value"`
			Unit  string  `json:"unit"`
		} `json:"figures"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("bench/results.json: %v", err)
	}
	p := loadSYAML(t)
	checked := 0
	for _, fn := range []string{"sign", "record"} {
		for _, f := range res.Figures {
			if f.ID != fn+"_peak_rss" {
				continue
			}
			if f.Unit != "MiB" {
				t.Fatalf("%s: unit %q, want MiB", f.ID, f.Unit)
			}
			checked++
			if mem := function(t, p, fn).MemorySize; float64(mem) < 2*f.Value {
				t.Errorf("%s: memorySize %d MB, want at least twice the measured peak RSS %.1f MiB", fn, mem, f.Value)
			}
		}
	}
	if checked == 0 {
		t.Skip("bench/results.json has no *_peak_rss figure")
	}
}
