package fcemu

import (
	"bytes"
	"strings"
	"testing"
)

func TestPrefixWriter(t *testing.T) {
	long := strings.Repeat("x", maxPendingLine+1)
	tests := []struct {
		name      string
		writes    []string
		flush     bool
		want      string
		maxWrites int // writes to the underlying writer, at most
	}{
		{name: "one line", writes: []string{"a\n"}, want: "[f#0] a\n", maxWrites: 1},
		{name: "lines in one write", writes: []string{"a\nb\nc\n"}, want: "[f#0] a\n[f#0] b\n[f#0] c\n", maxWrites: 1},
		{name: "line split over writes", writes: []string{"a", "b", "c\nd\n"}, want: "[f#0] abc\n[f#0] d\n", maxWrites: 1},
		{name: "partial line held", writes: []string{"a\nb"}, want: "[f#0] a\n", maxWrites: 1},
		{name: "partial line flushed", writes: []string{"a\nb"}, flush: true, want: "[f#0] a\n[f#0] b\n", maxWrites: 2},
		{name: "overlong line cut", writes: []string{long}, want: "[f#0] " + long + "\n", maxWrites: 1},
		{name: "empty lines", writes: []string{"\n\n"}, want: "[f#0] \n[f#0] \n", maxWrites: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out countingBuffer
			p := &prefixWriter{w: &out, prefix: "[f#0] "}
			for _, s := range tt.writes {
				if n, err := p.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%d bytes): got %d, %v; want %d, nil", len(s), n, err, len(s))
				}
			}
			if tt.flush {
				p.flush()
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got output %.200q, want %.200q", got, tt.want)
			}
			if out.writes > tt.maxWrites {
				t.Errorf("got %d writes to the output, want at most %d", out.writes, tt.maxWrites)
			}
		})
	}
}

// countingBuffer counts the writes it receives.
type countingBuffer struct {
	bytes.Buffer
	writes int
}

func (c *countingBuffer) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}
