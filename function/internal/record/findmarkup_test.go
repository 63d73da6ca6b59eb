package record

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFindMarkupAcrossWindows places markup where findMarkup's windows
// cut the text: at the start, across the end of the first window, after a
// carried tail, past a tail too long to carry, and nowhere.
func TestFindMarkupAcrossWindows(t *testing.T) {
	fill := func(n int) string { return strings.Repeat("x", n) }
	long := "<a" + strings.Repeat("b", maxCarry+10) + " onclick="
	type found struct {
		At, N int64
		OK    bool
	}
	tests := []struct {
		name, text string
		want       found
	}{
		{"none", fill(3*scanWindow) + " a < b > c ", found{}},
		{"at the start", "<script>" + fill(scanWindow), found{0, 8, true}},
		{"across the first window's end", fill(scanWindow-3) + "<iframe src=x>", found{scanWindow - 3, 8, true}},
		{"a '<' before it in the window", fill(scanWindow-20) + "a < b " + fill(10) + "<svg/onload=x>", found{scanWindow - 4, 5, true}},
		{"in a later window", fill(2*scanWindow+5) + "<body>", found{2*scanWindow + 5, 6, true}},
		{"a tail too long to carry", fill(scanWindow-5) + long + fill(10), found{scanWindow - 5, int64(len(long)), true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, n, ok := findMarkup(bytes.NewReader([]byte(tt.text)))
			if d := cmp.Diff(tt.want, found{at, n, ok}); d != "" {
				t.Errorf("findMarkup (-want +got):\n%s", d)
			}
			// The whole text at once finds the same.
			if !tt.want.OK {
				return
			}
			if loc := markupRE().FindStringIndex(tt.text); loc == nil {
				t.Errorf("FindStringIndex: got no match, want one at %d", tt.want.At)
			} else if int64(loc[0]) != tt.want.At {
				t.Errorf("FindStringIndex: got a match at %d, want %d", loc[0], tt.want.At)
			}
		})
	}
}
