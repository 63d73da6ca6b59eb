package config

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadEnvironUnknownVariables(t *testing.T) {
	base := []string{VarBucket + "=my-bucket", VarRegion + "=cn-hangzhou", VarJWTSecret + "=0123456789abcdef0123456789abcdef", "HOME=/nowhere", "OSSGATEWAY=not ours"}
	tests := []struct {
		name  string
		extra []string
		want  []string // one problem each, in order
	}{
		{"none", nil, nil},
		{"misspelt profiles", []string{"OSSGATE_PROFILE={}"}, []string{"OSSGATE_PROFILE: unknown variable, no function reads it; did you mean OSSGATE_PROFILES?"}},
		{"two, sorted", []string{"OSSGATE_JWT_SECRETS=x", "OSSGATE_BUCKIT=b"}, []string{
			"OSSGATE_BUCKIT: unknown variable, no function reads it; did you mean OSSGATE_BUCKET?",
			"OSSGATE_JWT_SECRETS: unknown variable, no function reads it; did you mean OSSGATE_JWT_SECRET?"}},
		{"with a load problem", []string{"OSSGATE_SWEEP_AGES=1h", VarLogLevel + "=loud"}, []string{
			"OSSGATE_SWEEP_AGES: unknown variable, no function reads it; did you mean OSSGATE_SWEEP_AGE?",
			VarLogLevel + ": want debug, info, warn or error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadEnviron(Sign, append(append([]string(nil), base...), tt.extra...))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *config.Error", err)
			}
			if len(ce.Problems) != len(tt.want) {
				t.Fatalf("got %d problems %q, want %d", len(ce.Problems), ce.Problems, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(ce.Problems[i].Error(), w) {
					t.Errorf("problem %d: got %q, want it to start with %q", i, ce.Problems[i], w)
				}
			}
		})
	}
}

func TestClosest(t *testing.T) {
	tests := []struct{ name, want string }{
		{"OSSGATE_PROFILE", VarProfiles},
		{"OSSGATE_CORS_ORIGIN", VarCORSOrigins},
		{"OSSGATE_QUARANTINE", VarQuarantineMode},
		{"OSSGATE_RECORD_DSN", VarRecordsDSN},
		{"OSSGATE_LOGLEVEL", VarLogLevel},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, Vars()); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no candidates = %q, want \"\"", got)
	}
}
