package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// TestTokenLifetime: iat is required, an iat in the future beyond the leeway
// is refused, and so is a token whose exp - iat exceeds the configured
// maximum lifetime (OSSGATE_JWT_MAX_TTL, 24h by default), such as one that
// expires in ten years.
func TestTokenLifetime(t *testing.T) {
	v := newVerifier(t, config.Auth{Secret: testSecret, MaxTTL: config.DefaultJWTMaxTTL})
	at := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(testNow.Add(d)) }
	tests := []struct {
		name     string
		iat, exp *jwt.NumericDate
		ok       bool
	}{
		{"an hour", at(-time.Minute), at(59 * time.Minute), true},
		{"exactly the maximum", at(-time.Hour), at(23 * time.Hour), true},
		{"iat within the leeway ahead", at(20 * time.Second), at(time.Hour), true},
		{"no iat", nil, at(time.Hour), false},
		{"no iat, exp in ten years", nil, at(10 * 365 * 24 * time.Hour), false},
		{"exp in ten years", at(-time.Minute), at(10 * 365 * 24 * time.Hour), false},
		{"a second over the maximum", at(-time.Hour), at(23*time.Hour + time.Second), false},
		{"iat in the future", at(2 * time.Minute), at(time.Hour), false},
		{"exp before iat", at(-time.Minute), at(-2 * time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := claims()
			c.Issuer, c.Audience, c.IssuedAt, c.ExpiresAt = "", nil, tt.iat, tt.exp
			id, err := v.Authenticate(t.Context(), "Bearer "+hs256(t, testSecret, c))
			if tt.ok && (err != nil || id.User != "alice") {
				t.Errorf("got %+v, %v; want alice", id, err)
			}
			if !tt.ok && !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("got %+v, %v; want ErrUnauthenticated", id, err)
			}
		})
	}
}
