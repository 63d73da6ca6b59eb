package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// TestReasons checks the Reason of every kind of refused token: the sign
// function answers one fixed message per reason.
func TestReasons(t *testing.T) {
	v := newVerifier(t, config.Auth{Secret: testSecret, Issuer: "https://issuer.example", Audience: "ossgate"})
	with := func(f func(*jwt.RegisteredClaims)) string {
		c := claims()
		f(&c)
		return "Bearer " + hs256(t, testSecret, c)
	}
	at := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(testNow.Add(d)) }
	noneToken, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	tests := []struct {
		name, header string
		want         Reason
	}{
		{"missing", "", ReasonMissing},
		{"basic", "Basic YWxpY2U6cHc=", ReasonMalformed},
		{"not a jwt", "Bearer not.a.jwt", ReasonMalformed},
		{"huge", "Bearer " + strings.Repeat("a", MaxTokenLength+1), ReasonMalformed},
		{"expired", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = at(-time.Minute) }), ReasonExpired},
		{"nbf ahead", with(func(c *jwt.RegisteredClaims) { c.NotBefore = at(time.Minute) }), ReasonNotYetValid},
		{"iat ahead", with(func(c *jwt.RegisteredClaims) { c.IssuedAt = at(time.Minute) }), ReasonNotYetValid},
		{"other issuer", with(func(c *jwt.RegisteredClaims) { c.Issuer = "https://evil.example" }), ReasonAudience},
		{"other app", with(func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other-app"} }), ReasonAudience},
		{"no aud", with(func(c *jwt.RegisteredClaims) { c.Audience = nil }), ReasonAudience},
		{"bad signature", "Bearer " + hs256(t, []byte("another-secret-not-real-0123456789ab"), claims()), ReasonSignature},
		{"alg none", "Bearer " + noneToken, ReasonSignature},
		{"no exp", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil }), ReasonClaims},
		{"no iat", with(func(c *jwt.RegisteredClaims) { c.IssuedAt = nil }), ReasonClaims},
		{"ten years", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = at(10 * 365 * 24 * time.Hour) }), ReasonClaims},
		{"bad sub", with(func(c *jwt.RegisteredClaims) { c.Subject = "a b" }), ReasonClaims},
		{"reserved sub", with(func(c *jwt.RegisteredClaims) { c.Subject = Anonymous }), ReasonClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Authenticate(t.Context(), tt.header)
			var ae *Error
			if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthenticated) || ae.Reason != tt.want {
				t.Errorf("got %v, want an *Error of reason %q wrapping ErrUnauthenticated", err, tt.want)
			}
		})
	}
	only := newVerifier(t, config.Auth{AllowAnonymous: true})
	var ae *Error
	if _, err := only.Authenticate(t.Context(), "Bearer "+hs256(t, testSecret, claims())); !errors.As(err, &ae) || ae.Reason != ReasonNoKey {
		t.Errorf("a token without a configured key: got %v, want reason %q", err, ReasonNoKey)
	}
}
