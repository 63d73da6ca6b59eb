package sign

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
)

// vectorsPath is the part schedule's shared vectors; the JS client's
// partSchedule (clients/core/part-schedule.js) is tested against the same
// file (clients/test/part-schedule.test.js).
var vectorsPath = filepath.Join("..", "..", "..", "testdata", "part-schedule.json")

// Set OSSGATE_WRITE_VECTORS=1 to rewrite the vectors from this schedule.
const writeVectorsEnv = "OSSGATE_WRITE_VECTORS"

// schedulePart is one part of a vector: its number, first byte and size.
type schedulePart struct {
	Number int   `json:"number"`
	Start  int64 `json:"start"`
	Size   int64 `json:"size"`
}

// scheduleCase is one vector: a file size and part size, the part count and
// the first two and last two parts.
type scheduleCase struct {
	Name      string         `json:"name"`
	Size      int64          `json:"size"`
	PartSize  int64          `json:"partSize"`
	PartCount int            `json:"partCount"`
	Parts     []schedulePart `json:"parts"`
}

type scheduleVectors struct {
	Comment string         `json:"comment"`
	Cases   []scheduleCase `json:"cases"`
}

// scheduleInputs are the sizes around every boundary of the schedule: no
// byte, one byte, one part and a byte either side, two parts and a byte
// either side, MaxParts parts and a byte either side, for the smallest,
// default and largest part size OSS allows and for an odd one.
func scheduleInputs() []scheduleCase {
	var out []scheduleCase
	for _, ps := range []struct {
		name string
		size int64
	}{{"min", config.MinPartSize}, {"default", config.DefaultPartSize}, {"max", config.MaxPartSize}, {"odd", 3}} {
		p := ps.size
		for _, s := range []struct {
			name string
			size int64
		}{
			{"empty", 0}, {"one byte", 1},
			{"one part less a byte", p - 1}, {"one part", p}, {"one part and a byte", p + 1},
			{"two parts less a byte", 2*p - 1}, {"two parts", 2 * p}, {"two parts and a byte", 2*p + 1},
			{"max parts less a byte", config.MaxParts*p - 1}, {"max parts", config.MaxParts * p}, {"max parts and a byte", config.MaxParts*p + 1},
		} {
			out = append(out, scheduleCase{Name: fmt.Sprintf("%s part size: %s", ps.name, s.name), Size: s.size, PartSize: p})
		}
	}
	return out
}

// fill computes c's part count and parts from the Go schedule, each part's
// start as the sum of the sizes before it.
func fill(c scheduleCase) scheduleCase {
	s := newSchedule(c.Size, c.PartSize)
	c.PartCount = s.count
	c.Parts = nil
	var start int64
	for n := 1; n <= s.count; n++ {
		if n <= 2 || n >= s.count-1 {
			c.Parts = append(c.Parts, schedulePart{Number: n, Start: start, Size: s.sizeOf(n)})
		}
		start += s.sizeOf(n)
	}
	return c
}

func TestScheduleVectors(t *testing.T) {
	var want []scheduleCase
	for _, c := range scheduleInputs() {
		want = append(want, fill(c))
	}
	if os.Getenv(writeVectorsEnv) == "1" {
		v := scheduleVectors{
			Comment: "Part schedule vectors, written by function/internal/sign/schedule_vectors_test.go (" + writeVectorsEnv + "=1) from the sign function's schedule: partCount = ceil(size/partSize), at least 1; every part partSize bytes but the last, which holds the rest. parts lists the first two and last two parts.",
			Cases:   want,
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d vectors to %s", len(want), vectorsPath)
	}
	b, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("reading the vectors (write them with %s=1): %v", writeVectorsEnv, err)
	}
	var got scheduleVectors
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding %s: %v", vectorsPath, err)
	}
	if diff := cmp.Diff(want, got.Cases); diff != "" {
		t.Errorf("%s disagrees with the schedule (-schedule +file; rewrite with %s=1 if the schedule changed on purpose):\n%s", vectorsPath, writeVectorsEnv, diff)
	}
}

// TestScheduleRule checks the schedule against the rule its doc comment
// states, for every vector's input: the parts add up to the size, all but
// the last are partSize bytes, and the last holds 1 to partSize bytes (none
// for an empty file).
func TestScheduleRule(t *testing.T) {
	for _, c := range scheduleInputs() {
		t.Run(c.Name, func(t *testing.T) {
			s := newSchedule(c.Size, c.PartSize)
			if want := max(1, int((c.Size+c.PartSize-1)/c.PartSize)); s.count != want {
				t.Fatalf("count = %d, want %d", s.count, want)
			}
			var sum int64
			for n := 1; n < s.count; n++ {
				if got := s.sizeOf(n); got != c.PartSize {
					t.Fatalf("part %d is %d bytes, want %d", n, got, c.PartSize)
				}
				sum += c.PartSize
			}
			last := s.sizeOf(s.count)
			if sum+last != c.Size {
				t.Errorf("parts add up to %d, want %d", sum+last, c.Size)
			}
			if c.Size > 0 && (last < 1 || last > c.PartSize) {
				t.Errorf("last part is %d bytes, want 1..%d", last, c.PartSize)
			}
		})
	}
}
