package record_test

import (
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// TestObjectOfAnotherSizeThanStartedIsNeverOK: a multipart upload's key
// states the size it was started (and admitted) with; an object of any
// other size there is quarantined, never recorded ok, and one of that size
// is recorded ok.
func TestObjectOfAnotherSizeThanStartedIsNeverOK(t *testing.T) {
	body := pngBytes(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		started int64
		status  string
	}{
		{"the size it was started with", int64(len(body)), records.StatusOK},
		{"larger than started", int64(len(body)) - 1, records.StatusQuarantined},
		{"smaller than started", int64(len(body)) + 5<<20, records.StatusQuarantined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "tag")
			k := layout.UploadKey("avatar", "alice", day, upload.SizedID("0b9f7c1e-8a52-4d1a-9f7e-2c4b6d8e0a13", tt.started), ".png")
			e.objs.put(k, "image/png", "alice", "avatar", body)
			if err := e.handle(t, evRec{name: "ObjectCreated:CompleteMultipartUpload", bucket: bucket, key: k}); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if r := e.get(t, k); r.Status != tt.status {
				t.Errorf("got status %q (reason %q), want %q", r.Status, r.Reason, tt.status)
			}
		})
	}
}
