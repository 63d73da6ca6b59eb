package auth

import (
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// withClaims is a registered-claims token body with extra claims beside.
type withClaims struct {
	jwt.RegisteredClaims
	OpenID any `json:"openid,omitempty"`
	WxID   any `json:"https://example.com/wx,omitempty"`
}

func TestIdentityClaim(t *testing.T) {
	v := newVerifier(t, config.Auth{Secret: testSecret, AllowAnonymous: true})
	tests := []struct {
		name        string
		body        withClaims
		claim, want string
		ok          bool
	}{
		{"sub", withClaims{RegisteredClaims: claims(), OpenID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"}, "sub", "alice", true},
		{"openid", withClaims{RegisteredClaims: claims(), OpenID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"}, "openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", true},
		{"namespaced", withClaims{RegisteredClaims: claims(), WxID: "o6_x"}, "https://example.com/wx", "o6_x", true},
		{"absent", withClaims{RegisteredClaims: claims()}, "openid", "", false},
		{"number", withClaims{RegisteredClaims: claims(), OpenID: 12}, "openid", "", false},
		{"empty", withClaims{RegisteredClaims: claims(), OpenID: ""}, "openid", "", false},
		{"space", withClaims{RegisteredClaims: claims(), OpenID: "o6 x"}, "openid", "", false},
		{"too long", withClaims{RegisteredClaims: claims(), OpenID: strings.Repeat("o", MaxSubjectLen+1)}, "openid", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Authenticate(t.Context(), "Bearer "+hs256(t, testSecret, tt.body))
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if got, ok := id.Claim(tt.claim); got != tt.want || ok != tt.ok {
				t.Errorf("Claim(%q) = %q, %v; want %q, %v", tt.claim, got, ok, tt.want, tt.ok)
			}
		})
	}
	anon, err := v.Authenticate(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sub", "openid"} {
		if got, ok := anon.Claim(name); ok {
			t.Errorf("anonymous: Claim(%q) = %q, true; want none", name, got)
		}
	}
}
