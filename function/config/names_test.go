package config

import (
	"regexp"
	"strings"
	"testing"
)

// TestNameChecksAgreeWithPatterns holds the hand-written checks to the
// regular expressions they stand for, over every string of up to three
// bytes from an alphabet of each class's edge cases, and longer ones.
func TestNameChecksAgreeWithPatterns(t *testing.T) {
	profile := regexp.MustCompile(ProfileNamePattern)
	prefix := regexp.MustCompile(`^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`)
	alphabet := []string{"", "a", "z", "A", "Z", "0", "9", "_", "-", ".", "/", "~", " ", "é", "\x00", "\n", "`", "{", "@", "["}
	var inputs []string
	for _, a := range alphabet {
		for _, b := range alphabet {
			for _, c := range alphabet {
				inputs = append(inputs, a+b+c)
			}
		}
	}
	inputs = append(inputs, strings.Repeat("a", 32), strings.Repeat("a", 33), "a"+strings.Repeat("-", 31), "uploads/2026/x", "a//b", "/a", "a/")
	for _, in := range inputs {
		if got, want := ValidProfileName(in), profile.MatchString(in); got != want {
			t.Errorf("ValidProfileName(%q): got %v, want %v", in, got, want)
		}
		if got, want := validPrefix(in), prefix.MatchString(in); got != want {
			t.Errorf("validPrefix(%q): got %v, want %v", in, got, want)
		}
	}
}
