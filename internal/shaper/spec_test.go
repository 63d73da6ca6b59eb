package shaper

import (
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	c, err := ParseSpec("perconn=2MB, total=12MiB,latency=40ms,cut=3@150KB")
	if err != nil {
		t.Fatal(err)
	}
	if c.PerConn != 2e6 || c.Total != 12<<20 || c.Latency != 40*time.Millisecond || c.Cut == nil {
		t.Fatalf("got %+v", c)
	}
	for conn, want := range map[int]int64{1: 0, 2: 0, 3: 150000, 6: 150000, 7: 0} {
		if got := c.Cut(conn); got != want {
			t.Errorf("Cut(%d): got %d, want %d", conn, got, want)
		}
	}
	if c, err := ParseSpec(""); err != nil || c.PerConn != 0 || c.Cut != nil {
		t.Errorf("empty spec: got %+v, %v", c, err)
	}
	c, err = ParseSpec("cut=2@100x2")
	if err != nil {
		t.Fatal(err)
	}
	for conn, want := range map[int]int64{1: 0, 2: 100, 4: 100, 6: 0, 8: 0} {
		if got := c.Cut(conn); got != want {
			t.Errorf("cut=2@100x2: Cut(%d): got %d, want %d", conn, got, want)
		}
	}
	if c, err := ParseSpec("perconn=1.5k"); err != nil || c.PerConn != 1500 {
		t.Errorf("perconn=1.5k: got %v, %v", c.PerConn, err)
	}
	for _, bad := range []string{"perconn", "perconn=0", "perconn=-1MB", "total=fast", "latency=1", "latency=-1s", "cut=0@1", "cut=2", "cut=2@0", "cut=2@1x0", "cut=2@1x", "speed=1"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q): no error", bad)
		}
	}
}
