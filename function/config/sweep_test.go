package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadSweep(t *testing.T) {
	tests := []struct {
		age  string
		want time.Duration
		err  bool
	}{
		{"", 24 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"1s", time.Second, false},
		{"720h", 720 * time.Hour, false},
		{"500ms", 0, true},
		{"721h", 0, true},
		{"-1h", 0, true},
		{"1 day", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.age, func(t *testing.T) {
			c, err := Load(Sweep, env(map[string]string{VarSweepAge: tt.age, VarJWTSecret: ""}))
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), VarSweepAge) {
					t.Fatalf("got %v, want an error naming %s", err, VarSweepAge)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.SweepAge != tt.want {
				t.Errorf("SweepAge: got %v, want %v", c.SweepAge, tt.want)
			}
		})
	}
}

// TestSignReadsTheSweepAge: the sign function reads OSSGATE_SWEEP_AGE with
// the sweep function's rules, because a multipart upload counts against its
// user's quota for exactly as long as it can be completed.
func TestSignReadsTheSweepAge(t *testing.T) {
	for _, fn := range []Function{Sign, Sweep} {
		c, err := Load(fn, env(map[string]string{VarSweepAge: "72h"}))
		if err != nil {
			t.Fatalf("%s: Load: %v", fn, err)
		}
		if c.SweepAge != 72*time.Hour {
			t.Errorf("%s: SweepAge: got %v, want 72h", fn, c.SweepAge)
		}
		if _, err := Load(fn, env(map[string]string{VarSweepAge: "721h"})); err == nil || !strings.Contains(err.Error(), VarSweepAge) {
			t.Errorf("%s: 721h: got %v, want an error naming %s", fn, err, VarSweepAge)
		}
	}
}
