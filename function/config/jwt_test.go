package config

import (
	"strings"
	"testing"
	"time"
)

// TestJWKSModeNeedsIssuerAndAudience: keys from a JWKS verify tokens minted
// for any app of that issuer, or by any issuer the JWKS host serves, so JWKS
// mode refuses to start unless both iss and aud are pinned.
func TestJWKSModeNeedsIssuerAndAudience(t *testing.T) {
	const jwks = "https://issuer.example/.well-known/jwks.json"
	tests := []struct {
		name        string
		over        map[string]string
		want        string // substring of the error; "" = loads
		issuer, aud string
	}{
		{"jwks alone", map[string]string{VarJWTSecret: "", VarJWKSURL: jwks}, VarJWTIssuer, "", ""},
		{"jwks with issuer only", map[string]string{VarJWTSecret: "", VarJWKSURL: jwks, VarJWTIssuer: "https://issuer.example"}, VarJWTAudience, "", ""},
		{"jwks with audience only", map[string]string{VarJWTSecret: "", VarJWKSURL: jwks, VarJWTAudience: "app"}, VarJWTIssuer, "", ""},
		{"jwks beside a secret, alone", map[string]string{VarJWKSURL: jwks}, VarJWTIssuer, "", ""},
		{"jwks with both", map[string]string{VarJWTSecret: "", VarJWKSURL: jwks, VarJWTIssuer: "https://issuer.example", VarJWTAudience: "app"}, "", "https://issuer.example", "app"},
		{"secret alone", nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Sign, env(tt.over))
			if tt.want == "" {
				if err != nil || c.Auth.Issuer != tt.issuer || c.Auth.Audience != tt.aud {
					t.Errorf("got %+v, %v; want it loaded with issuer %q, audience %q", c.Auth, err, tt.issuer, tt.aud)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

// TestJWKSURLRules: the key set is fetched over https only; plain http is
// allowed for loopback hosts (tests) and nothing else.
func TestJWKSURLRules(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://issuer.example/jwks.json", true},
		{"http://127.0.0.1:8080/jwks.json", true},
		{"http://127.3.4.5/jwks.json", true},
		{"http://[::1]:9000/jwks", true},
		{"http://localhost:9000/jwks", true},
		{"http://issuer.example/jwks.json", false},
		{"http://10.0.0.1/jwks.json", false},
		{"http://localhost.evil.example/jwks.json", false},
		{"http://127.0.0.1.nip.io/jwks.json", false},
		{"ftp://issuer.example/jwks.json", false},
		{"https:///jwks.json", false},
		{"jwks.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := Load(Sign, env(map[string]string{VarJWKSURL: tt.url, VarJWTIssuer: "i", VarJWTAudience: "a"}))
			if tt.ok && err != nil {
				t.Errorf("got %v, want it accepted", err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), VarJWKSURL)) {
				t.Errorf("got %v, want an error naming %s", err, VarJWKSURL)
			}
		})
	}
}

// TestJWTMaxTTL: OSSGATE_JWT_MAX_TTL bounds exp - iat of every token, 24h
// unless set.
func TestJWTMaxTTL(t *testing.T) {
	tests := []struct {
		v    string
		want time.Duration // 0 = an error naming the variable
	}{
		{"", 24 * time.Hour},
		{"15m", 15 * time.Minute},
		{"720h", 720 * time.Hour},
		{"30s", 0},
		{"721h", 0},
		{"-1h", 0},
		{"1 day", 0},
	}
	for _, tt := range tests {
		c, err := Load(Sign, env(map[string]string{VarJWTMaxTTL: tt.v}))
		switch {
		case tt.want == 0 && (err == nil || !strings.Contains(err.Error(), VarJWTMaxTTL)):
			t.Errorf("%s=%q: got %v, want an error naming it", VarJWTMaxTTL, tt.v, err)
		case tt.want != 0 && (err != nil || c.Auth.MaxTTL != tt.want):
			t.Errorf("%s=%q: got %v, %v; want %v", VarJWTMaxTTL, tt.v, c.Auth.MaxTTL, err, tt.want)
		}
	}
}
