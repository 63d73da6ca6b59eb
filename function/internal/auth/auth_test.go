package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

var (
	testSecret = []byte("test-secret-not-real-0123456789abcdef")
	testNow    = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
)

func fixedNow() time.Time { return testNow }

// claims returns valid registered claims for user alice.
func claims() jwt.RegisteredClaims {
	return jwt.RegisteredClaims{
		Subject:   "alice",
		Issuer:    "https://issuer.example",
		Audience:  jwt.ClaimStrings{"ossgate"},
		ExpiresAt: jwt.NewNumericDate(testNow.Add(5 * time.Minute)),
		NotBefore: jwt.NewNumericDate(testNow.Add(-time.Minute)),
		IssuedAt:  jwt.NewNumericDate(testNow.Add(-time.Minute)),
	}
}

func hs256(t testing.TB, key []byte, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newVerifier(t testing.TB, cfg config.Auth) *Verifier {
	t.Helper()
	v, err := FromConfig(t.Context(), cfg, Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

func TestHS256(t *testing.T) {
	v := newVerifier(t, config.Auth{Secret: testSecret, Issuer: "https://issuer.example", Audience: "ossgate"})
	with := func(f func(*jwt.RegisteredClaims)) string {
		c := claims()
		f(&c)
		return "Bearer " + hs256(t, testSecret, c)
	}
	noneToken, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	valid := hs256(t, testSecret, claims())
	tests := []struct {
		name, header, wantUser string
	}{
		{"valid", "Bearer " + valid, "alice"},
		{"lower-case scheme", "bearer " + valid, "alice"},
		{"expired beyond leeway", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = jwt.NewNumericDate(testNow.Add(-time.Minute)) }), ""},
		{"expired within leeway", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = jwt.NewNumericDate(testNow.Add(-10 * time.Second)) }), "alice"},
		{"no exp", with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil }), ""},
		{"nbf in future", with(func(c *jwt.RegisteredClaims) { c.NotBefore = jwt.NewNumericDate(testNow.Add(time.Minute)) }), ""},
		{"wrong iss", with(func(c *jwt.RegisteredClaims) { c.Issuer = "https://evil.example" }), ""},
		{"no iss", with(func(c *jwt.RegisteredClaims) { c.Issuer = "" }), ""},
		{"wrong aud", with(func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other"} }), ""},
		{"missing sub", with(func(c *jwt.RegisteredClaims) { c.Subject = "" }), ""},
		{"sub too long", with(func(c *jwt.RegisteredClaims) { c.Subject = strings.Repeat("a", 129) }), ""},
		{"sub with space", with(func(c *jwt.RegisteredClaims) { c.Subject = "a b" }), ""},
		{"sub reserved", with(func(c *jwt.RegisteredClaims) { c.Subject = Anonymous }), ""},
		{"sub non-ascii", with(func(c *jwt.RegisteredClaims) { c.Subject = "用户" }), ""},
		{"bad signature", "Bearer " + hs256(t, []byte("another-secret-not-real-0123456789ab"), claims()), ""},
		{"alg none", "Bearer " + noneToken, ""},
		{"missing header", "", ""},
		{"basic scheme", "Basic YWxpY2U6cHc=", ""},
		{"bearer without token", "Bearer ", ""},
		{"garbage", "Bearer not.a.jwt", ""},
		{"huge token", "Bearer " + strings.Repeat("a", MaxTokenLength+1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Authenticate(t.Context(), tt.header)
			if tt.wantUser == "" {
				if err == nil || !errors.Is(err, ErrUnauthenticated) {
					t.Fatalf("got %+v, %v; want ErrUnauthenticated", id, err)
				}
				if strings.Contains(err.Error(), strings.TrimPrefix(tt.header, "Bearer ")) && len(tt.header) > 20 {
					t.Errorf("error %q echoes the token", err)
				}
				return
			}
			if err != nil || id.User != tt.wantUser || id.Anonymous {
				t.Errorf("got %+v, %v; want user %q", id, err, tt.wantUser)
			}
		})
	}
}

func TestAnonymous(t *testing.T) {
	v := newVerifier(t, config.Auth{Secret: testSecret, AllowAnonymous: true})
	id, err := v.Authenticate(t.Context(), "")
	if err != nil || id.User != Anonymous || !id.Anonymous {
		t.Errorf("no token: got %+v, %v; want anonymous", id, err)
	}
	if _, err := v.Authenticate(t.Context(), "Bearer not.a.jwt"); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("invalid token with anonymous on: got %v, want ErrUnauthenticated", err)
	}
	only := newVerifier(t, config.Auth{AllowAnonymous: true})
	if _, err := only.Authenticate(t.Context(), "Bearer "+hs256(t, testSecret, claims())); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("token without a configured key: got %v, want ErrUnauthenticated", err)
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwksServer serves the public halves of rsaKey and ecKey as a JWK set.
func jwksServer(t *testing.T, rsaKey *rsa.PrivateKey, ecKey *ecdsa.PrivateKey) *httptest.Server {
	t.Helper()
	ecPub, err := ecKey.PublicKey.Bytes() // uncompressed point 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]any{"keys": []map[string]any{
		{"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig",
			"n": b64(rsaKey.N.Bytes()), "e": b64(big.NewInt(int64(rsaKey.E)).Bytes())},
		{"kty": "EC", "kid": "e1", "alg": "ES256", "use": "sig", "crv": "P-256",
			"x": b64(ecPub[1:33]), "y": b64(ecPub[33:])},
	}}
	body, _ := json.Marshal(set)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func signWith(t *testing.T, m jwt.SigningMethod, kid string, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims())
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

func TestJWKS(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherRSA, _ := rsa.GenerateKey(rand.Reader, 2048)
	srv := jwksServer(t, rsaKey, ecKey)
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	v, err := FromConfig(ctx, config.Auth{JWKSURL: srv.URL}, Options{Now: fixedNow, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	confused := jwt.NewWithClaims(jwt.SigningMethodHS256, claims())
	confused.Header["kid"] = "r1"
	confusedTok, _ := confused.SignedString(pubPEM)
	tests := []struct {
		name, header string
		ok           bool
	}{
		{"RS256", signWith(t, jwt.SigningMethodRS256, "r1", rsaKey), true},
		{"ES256", signWith(t, jwt.SigningMethodES256, "e1", ecKey), true},
		{"RS256 wrong key", signWith(t, jwt.SigningMethodRS256, "r1", otherRSA), false},
		{"RS256 unknown kid", signWith(t, jwt.SigningMethodRS256, "nope", rsaKey), false},
		{"RS256 under EC kid", signWith(t, jwt.SigningMethodRS256, "e1", rsaKey), false},
		{"RS512 not allowed", signWith(t, jwt.SigningMethodRS512, "r1", rsaKey), false},
		{"HS256 with the RSA public key", "Bearer " + confusedTok, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Authenticate(t.Context(), tt.header)
			if tt.ok && (err != nil || id.User != "alice") {
				t.Errorf("got %+v, %v; want alice", id, err)
			}
			if !tt.ok && !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("got %+v, %v; want ErrUnauthenticated", id, err)
			}
		})
	}
}
