package upload

import (
	"testing"
	"time"
)

func TestSizedIDRoundTrips(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, size := range []int64{1, 1000, 5 << 20, 1 << 40} {
		key := testLayout.UploadKey("video", "alice", day, SizedID("0b9f7c1e-8a52-4d1a-9f7e-2c4b6d8e0a13", size), ".mp4")
		k, ok := testLayout.ParseUploadKey(key)
		if !ok {
			t.Fatalf("%s: not an upload key", key)
		}
		if got, ok := k.DeclaredSize(); !ok || got != size {
			t.Errorf("%s: DeclaredSize got %d, %v; want %d", key, got, ok, size)
		}
	}
}

func TestDeclaredSizeOfOtherIDs(t *testing.T) {
	for _, id := range []string{"0b9f7c1e-8a52-4d1a-9f7e-2c4b6d8e0a13", "a_", "a_0", "a_012", "a_-1", "a_1x", "a_99999999999999999999"} {
		if n, ok := (KeyParts{ID: id}).DeclaredSize(); ok {
			t.Errorf("%q: got size %d, want none", id, n)
		}
	}
}
