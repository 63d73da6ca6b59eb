package sign

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKeyListLogsAsStrings checks that the keys attribute logs as the JSON
// array slog writes for a []string: byte for byte for ordinary keys, the
// same strings after decoding for any other.
func TestKeyListLogsAsStrings(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		sameBytes bool
	}{
		{"one key", []string{"a/b/c/2026/11/25/0f8fad5b-d9cb-469f-a165-70867728950e.png"}, true},
		{"three keys", []string{"a/x.png", "a/y.pdf", "a/~0123/z.png"}, true},
		{"empty", []string{}, true},
		{"escapes", []string{"a\"b\\c", "tab\there", "<&>", "用户", "\u2028", "bad \xff utf-8"}, false},
	}
	line := func(v slog.Value) []byte {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})).LogAttrs(t.Context(), slog.LevelInfo, "m", slog.Attr{Key: "keys", Value: v})
		return b.Bytes()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := line(slog.AnyValue(keyList(tt.keys))), line(slog.AnyValue(tt.keys))
			if tt.sameBytes && !bytes.Equal(got, want) {
				t.Errorf("got line %s, want %s", got, want)
			}
			var g, w map[string]any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("got line %s, not JSON: %v", got, err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("decoded line (-want +got):\n%s", diff)
			}
		})
	}
}
