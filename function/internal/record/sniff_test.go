package record_test

import (
	"testing"

	"github.com/ossgate/ossgate/function/internal/record"
)

func TestSniffAndTypeMatches(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		declared string
		detected string
		match    bool
	}{
		{"png as png", pngBytes(t), "image/png", "image/png", true},
		{"png with params", pngBytes(t), "Image/PNG; q=1", "image/png", true},
		{"jpeg as jpeg", jpegBytes(t), "image/jpeg", "image/jpeg", true},
		{"gif as gif", gifBytes(t), "image/gif", "image/gif", true},
		{"webp as webp", webpBytes(), "image/webp", "image/webp", true},
		{"pdf as pdf", pdfBytes(), "application/pdf", "application/pdf", true},
		{"text as png", textBytes(), "image/png", "text/plain", false},
		{"png as jpeg", pngBytes(t), "image/jpeg", "image/png", false},
		{"jpeg as png", jpegBytes(t), "image/png", "image/jpeg", false},
		{"pdf as png", pdfBytes(), "image/png", "application/pdf", false},
		{"text as text", textBytes(), "text/plain", "text/plain", true},
		{"json as text", []byte(`{"a": [1, 2]}`), "text/plain", "application/json", true},
		{"png as text", pngBytes(t), "text/plain", "image/png", false},
		{"empty as png", nil, "image/png", "text/plain", false},
		{"no declared type", pngBytes(t), "", "image/png", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := record.Sniff(tt.body); got != tt.detected {
				t.Errorf("Sniff: got %q, want %q", got, tt.detected)
			}
			if got := record.TypeMatches(tt.body, tt.declared); got != tt.match {
				t.Errorf("TypeMatches(%q): got %v, want %v", tt.declared, got, tt.match)
			}
		})
	}
}
