package ossstore

import (
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
)

func TestRetired(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	gen := func(key string, age time.Duration) oss.ObjectProperties {
		return oss.ObjectProperties{Key: key, LastModified: t0.Add(-age)}
	}
	gens := []oss.ObjectProperties{
		gen("g5", 0), gen("g4", 10*time.Second), gen("g3", 40*time.Second), gen("g2", 50*time.Second), gen("g1", time.Hour),
	}
	// g4 stays (it is the newest's predecessor and young), g3 stays (its
	// successor g4 is 10 s old); g2's successor g3 is 40 s old, over 31 s.
	if d := cmp.Diff([]string{"g2", "g1"}, retired(gens)); d != "" {
		t.Errorf("retired (-want +got):\n%s", d)
	}
	if got := retired(gens[:1]); got != nil {
		t.Errorf("retired(one generation): got %v, want none", got)
	}
}
