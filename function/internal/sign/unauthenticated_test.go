package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/wire"
)

// TestUnauthorizedBodiesAreFixed: a 401 answers one fixed message per
// category of refusal and never echoes the token's contents or the verifier
// library's words (an attacker-chosen kid among them); the detail is in the
// log line's cause only.
func TestUnauthorizedBodiesAreFixed(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := key.PublicKey.Bytes()
	b64 := base64.RawURLEncoding.EncodeToString
	set, _ := json.Marshal(map[string]any{"keys": []map[string]any{{"kty": "EC", "kid": "k1", "alg": "ES256", "use": "sig",
		"crv": "P-256", "x": b64(pub[1:33]), "y": b64(pub[33:])}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(set) }))
	t.Cleanup(srv.Close)
	v, err := auth.FromConfig(t.Context(), config.Auth{JWKSURL: srv.URL, Issuer: "https://issuer.example", Audience: "ossgate"},
		auth.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(o *Options) { o.Auth = v })
	at := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(testNow.Add(d)) }
	es256 := func(kid string, mod func(*jwt.RegisteredClaims)) string {
		c := jwt.RegisteredClaims{Subject: "alice", Issuer: "https://issuer.example", Audience: jwt.ClaimStrings{"ossgate"},
			IssuedAt: at(-time.Minute), ExpiresAt: at(time.Hour)}
		if mod != nil {
			mod(&c)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, c)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + s
	}
	const kid = "attacker-chosen-kid-<script>"
	tests := []struct {
		name, header, want string
	}{
		{"missing", "", MsgTokenMissing},
		{"malformed", "Bearer " + kid, MsgTokenMalformed},
		{"unknown kid", es256(kid, nil), MsgTokenSignature},
		{"expired", es256("k1", func(c *jwt.RegisteredClaims) { c.IssuedAt, c.ExpiresAt = at(-2*time.Hour), at(-time.Hour) }), MsgTokenExpired},
		{"not yet valid", es256("k1", func(c *jwt.RegisteredClaims) { c.NotBefore = at(time.Hour) }), MsgTokenNotYetValid},
		{"other app", es256("k1", func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other-app"} }), MsgTokenAudience},
		{"lifetime", es256("k1", func(c *jwt.RegisteredClaims) { c.ExpiresAt = at(10 * 365 * 24 * time.Hour) }), MsgTokenClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.logs.Reset()
			w := f.do(request{method: "POST", path: "/sign", authz: tt.header, body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":1}]}`})
			e := errorOf(t, w)
			type answer struct {
				Status        int
				Code, Message string
			}
			if diff := cmp.Diff(answer{http.StatusUnauthorized, wire.CodeUnauthenticated, tt.want}, answer{w.Code, e.Error.Code, e.Error.Message}); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			for _, leak := range []string{"attacker", "key not found", "token is", "jwk", "kid"} {
				if strings.Contains(strings.ToLower(w.Body.String()), leak) {
					t.Errorf("body %s holds %q", w.Body, leak)
				}
			}
			if tt.name == "unknown kid" && !strings.Contains(f.logs.String(), "attacker-chosen-kid") {
				t.Errorf("log %s lacks the refused kid (the detail belongs in the log)", f.logs)
			}
		})
	}
}
