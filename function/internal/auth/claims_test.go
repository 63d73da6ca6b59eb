package auth

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// TestClaimsAsRegisteredClaims checks that tokenClaims accepts and rejects
// every claim set exactly as jwt.RegisteredClaims does under the same parser
// options, for the shapes a time or audience claim can take.
func TestClaimsAsRegisteredClaims(t *testing.T) {
	exp, past, future := "1795615500", "1795608000", "1795615000.9"
	tests := []struct {
		name   string
		claims string
	}{
		{"number", `{"sub":"alice","exp":` + exp + `}`},
		{"fractional exp", `{"sub":"alice","exp":1795615200.75}`},
		{"exponent exp", `{"sub":"alice","exp":1.7956155e9}`},
		{"exp as string", `{"sub":"alice","exp":"` + exp + `"}`},
		{"exp as empty string", `{"sub":"alice","exp":""}`},
		{"exp as word", `{"sub":"alice","exp":"soon"}`},
		{"exp null", `{"sub":"alice","exp":null}`},
		{"exp true", `{"sub":"alice","exp":true}`},
		{"exp object", `{"sub":"alice","exp":{}}`},
		{"exp huge", `{"sub":"alice","exp":1e400}`},
		{"exp past", `{"sub":"alice","exp":` + past + `}`},
		{"no exp", `{"sub":"alice"}`},
		{"nbf future", `{"sub":"alice","exp":` + exp + `,"nbf":` + future + `}`},
		{"nbf as string", `{"sub":"alice","exp":` + exp + `,"nbf":"` + past + `"}`},
		{"iat future", `{"sub":"alice","exp":` + exp + `,"iat":1795700000}`},
		{"iat null", `{"sub":"alice","exp":` + exp + `,"iat":null}`},
		{"aud string", `{"sub":"alice","exp":` + exp + `,"aud":"ossgate","iss":"https://issuer.example"}`},
		{"aud array", `{"sub":"alice","exp":` + exp + `,"aud":["x","ossgate"],"iss":"https://issuer.example"}`},
		{"aud wrong type", `{"sub":"alice","exp":` + exp + `,"aud":[1],"iss":"https://issuer.example"}`},
		{"sub number", `{"sub":1,"exp":` + exp + `}`},
		{"sub null", `{"sub":null,"exp":` + exp + `}`},
		{"not an object", `[1]`},
		{"extra claims", `{"sub":"alice","exp":` + exp + `,"jti":"x","scope":["a"]}`},
	}
	now := time.Unix(1795611600, 0)
	for _, aud := range []bool{false, true} {
		opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
			jwt.WithLeeway(Leeway), jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now })}
		if aud {
			opts = append(opts, jwt.WithAudience("ossgate"), jwt.WithIssuer("https://issuer.example"))
		}
		p := jwt.NewParser(opts...)
		key := func(*jwt.Token) (any, error) { return testSecret, nil }
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := signRaw(t, tt.claims)
				var want jwt.RegisteredClaims
				_, wantErr := p.ParseWithClaims(tok, &want, key)
				var got tokenClaims
				_, gotErr := p.ParseWithClaims(tok, &got, key)
				if (gotErr == nil) != (wantErr == nil) || got.Subject != want.Subject {
					t.Errorf("aud checked %v: got sub %q, err %v; want sub %q, err %v (as RegisteredClaims)", aud, got.Subject, gotErr, want.Subject, wantErr)
				}
			})
		}
	}
}

// signRaw returns an HS256 token with the claims JSON as is.
func signRaw(t testing.TB, claimsJSON string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	s := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claimsJSON))
	sig, err := jwt.SigningMethodHS256.Sign(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s + "." + enc.EncodeToString(sig)
}

// BenchmarkAuthenticateHS256 verifies one HS256 bearer token with iss, aud,
// exp and nbf checked.
func BenchmarkAuthenticateHS256(b *testing.B) {
	v := newVerifier(b, config.Auth{Secret: testSecret, Issuer: "https://issuer.example", Audience: "ossgate"})
	header := "Bearer " + hs256(b, testSecret, claims())
	b.ReportAllocs()
	for b.Loop() {
		if id, err := v.Authenticate(b.Context(), header); err != nil || id.User != "alice" {
			b.Fatalf("got %+v, %v; want alice", id, err)
		}
	}
}
