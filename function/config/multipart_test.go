package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMultipartProfiles(t *testing.T) {
	tests := []struct {
		name, json string
		want       *Multipart
		maxSize    int64
	}{
		{"absent", `{"types":["video/mp4"],"maxSize":1000}`, nil, 1000},
		{"all defaults", `{"types":["video/mp4"],"maxSize":1000,"multipart":{}}`, &Multipart{PartSize: 5 << 20, Threshold: 10 << 20}, 1000},
		{"given", `{"types":["video/mp4"],"maxSize":1000,"multipart":{"partSize":102400,"threshold":1}}`, &Multipart{PartSize: 100 << 10, Threshold: 1}, 1000},
		{"largest part: threshold capped at 5 GiB", `{"types":["video/mp4"],"maxSize":1000,"multipart":{"partSize":5368709120}}`, &Multipart{PartSize: 5 << 30, Threshold: 5 << 30}, 1000},
		{"maxSize over 5 GiB with multipart", `{"types":["video/mp4"],"maxSize":52428800000,"multipart":{}}`, &Multipart{PartSize: 5 << 20, Threshold: 10 << 20}, 52428800000},
		{"maxSize 10000 parts of the largest", `{"types":["video/mp4"],"maxSize":53687091200000,"multipart":{"partSize":5368709120}}`, &Multipart{PartSize: 5 << 30, Threshold: 5 << 30}, 53687091200000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProfiles([]byte(`{"clip":` + tt.json + `}`))
			if err != nil {
				t.Fatalf("ParseProfiles: %v", err)
			}
			if d := cmp.Diff(tt.want, got["clip"].Multipart); d != "" {
				t.Errorf("Multipart (-want +got):\n%s", d)
			}
			if got["clip"].MaxSize != tt.maxSize {
				t.Errorf("MaxSize: got %d, want %d", got["clip"].MaxSize, tt.maxSize)
			}
		})
	}
}

func TestParseMultipartProfileErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"part too small", `{"multipart":{"partSize":102399},"maxSize":1}`, "multipart.partSize"},
		{"part too large", `{"multipart":{"partSize":5368709121},"maxSize":1}`, "multipart.partSize"},
		{"negative part", `{"multipart":{"partSize":-1},"maxSize":1}`, "multipart.partSize"},
		{"negative threshold", `{"multipart":{"threshold":-5},"maxSize":1}`, "multipart.threshold"},
		{"threshold over 5 GiB", `{"multipart":{"threshold":5368709121},"maxSize":1}`, "multipart.threshold"},
		{"unknown field", `{"multipart":{"parts":3},"maxSize":1}`, "unknown field"},
		{"not an object", `{"multipart":true,"maxSize":1}`, "multipart: want an object, got bool"},
		{"over 5 GiB without multipart", `{"maxSize":5368709121}`, "maxSize <= 5368709120"},
		{"over 10000 parts of 100 KiB", `{"multipart":{"partSize":102400},"maxSize":1024000001}`, "maxSize <= 1024000000"},
		{"over 10000 parts of 1 MiB", `{"multipart":{"partSize":1048576},"maxSize":10485760001}`, "maxSize <= 10485760000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfiles([]byte(`{"clip":{"types":["video/mp4"],` + strings.TrimPrefix(tt.json, "{") + "}"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
