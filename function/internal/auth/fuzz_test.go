package auth

import (
	"errors"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// FuzzBearer feeds arbitrary Authorization headers to an HS256 verifier:
// it never panics, every failure wraps ErrUnauthenticated, and a success
// names a valid subject.
func FuzzBearer(f *testing.F) {
	valid := hs256(f, testSecret, claims())
	noneTok, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	for _, s := range []string{"", "Bearer", "Bearer " + valid, "bearer " + valid + "x", "Bearer " + noneTok,
		"Bearer a.b.c", "Bearer ..", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.", "Bearer \x00\xff", "Bearer 🙂.🙂.🙂", "Basic x"} {
		f.Add(s)
	}
	v := newVerifier(f, config.Auth{Secret: testSecret})
	f.Fuzz(func(t *testing.T, header string) {
		id, err := v.Authenticate(t.Context(), header)
		if err != nil {
			if !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("error %v does not wrap ErrUnauthenticated", err)
			}
			return
		}
		if !validSubject(id.User) {
			t.Fatalf("accepted subject %q", id.User)
		}
	})
}
