package main

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestDemoSessionTokenVerifiesWithItsSecretOnly(t *testing.T) {
	now := time.Now()
	secret, token, err := demoSession(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 32 {
		t.Fatalf("secret length %d, want at least 32 (the sign function's minimum)", len(secret))
	}
	var claims jwt.RegisteredClaims
	if _, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()); err != nil {
		t.Fatalf("token does not verify with its secret: %v", err)
	}
	if claims.Subject != "demo" {
		t.Errorf("sub = %q, want demo", claims.Subject)
	}
	other, _, err := demoSession(now)
	if err != nil {
		t.Fatal(err)
	}
	if other == secret {
		t.Fatal("two runs got the same secret")
	}
	if _, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return []byte(other), nil }); err == nil {
		t.Fatal("token verified with another run's secret")
	}
}

func TestParseFlagsEnv(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantEnv []string
		wantErr bool
	}{
		{"none", nil, []string{"OSSGATE_LOG_LEVEL=info"}, false},
		{"two", []string{"-env", "A=1", "-env", "OSSGATE_PROFILES={\"x\":1}"}, []string{"OSSGATE_LOG_LEVEL=info", "A=1", "OSSGATE_PROFILES={\"x\":1}"}, false},
		{"value with equals", []string{"-env", "A=b=c"}, []string{"OSSGATE_LOG_LEVEL=info", "A=b=c"}, false},
		{"no equals", []string{"-env", "A"}, nil, true},
		{"empty key", []string{"-env", "=1"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(o.cfg.Env, tt.wantEnv) {
				t.Errorf("env = %q, want %q", o.cfg.Env, tt.wantEnv)
			}
		})
	}
}
