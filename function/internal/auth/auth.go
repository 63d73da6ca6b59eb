// Package auth authenticates sign-function callers by a bearer JWT: HS256
// with a shared secret, or RS256/ES256 with keys from a JWKS URL (fetched and
// cached by MicahParks/keyfunc). The user id is the token's sub.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
)

// Anonymous is the user id of a caller without a token when anonymous
// signing is enabled.
const Anonymous = "anonymous"

// Limits.
const (
	Leeway         = 30 * time.Second
	MaxTokenLength = 8 << 10
	MaxSubjectLen  = 128
)

// ErrUnauthenticated is wrapped by every error Authenticate returns; the
// wrapped message says why, without echoing the token.
var ErrUnauthenticated = errors.New("auth: unauthenticated")

// Options are the optional inputs of FromConfig; the zero value of each
// field is its default.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient fetches the JWKS; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Identity is an authenticated caller.
type Identity struct {
	User      string // the token's sub, or Anonymous
	Anonymous bool
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	cfg    config.Auth
	now    func() time.Time
	jwks   keyfunc.Keyfunc // nil without JWKSURL
	parser *jwt.Parser
}

// FromConfig returns a Verifier for the validated cfg. With a JWKSURL it
// starts fetching the key set in the background (refreshed hourly and on an
// unknown kid, until ctx ends); a fetch failure surfaces as 401s, not as an
// error here.
func FromConfig(ctx context.Context, cfg config.Auth, o Options) (*Verifier, error) {
	v := &Verifier{cfg: cfg, now: o.Now}
	if v.now == nil {
		v.now = time.Now
	}
	var methods []string
	if len(cfg.Secret) > 0 {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.JWKSURL != "" {
		client := o.HTTPClient
		if client == nil {
			client = &http.Client{Timeout: 10 * time.Second}
		}
		k, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{Client: client})
		if err != nil {
			return nil, fmt.Errorf("auth: jwks: %w", err)
		}
		v.jwks = k
		methods = append(methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Authenticate checks the value of an Authorization header. An empty header
// yields the anonymous identity when allowed; a present token must be valid
// even then. Errors wrap ErrUnauthenticated.
func (v *Verifier) Authenticate(ctx context.Context, header string) (Identity, error) {
	if header == "" {
		if v.cfg.AllowAnonymous {
			return Identity{User: Anonymous, Anonymous: true}, nil
		}
		return Identity{}, fmt.Errorf("%w: missing bearer token", ErrUnauthenticated)
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Identity{}, fmt.Errorf("%w: want \"Authorization: Bearer <token>\"", ErrUnauthenticated)
	}
	if len(token) > MaxTokenLength {
		return Identity{}, fmt.Errorf("%w: token longer than %d bytes", ErrUnauthenticated, MaxTokenLength)
	}
	if len(v.cfg.Secret) == 0 && v.jwks == nil {
		return Identity{}, fmt.Errorf("%w: tokens are not accepted (no key configured)", ErrUnauthenticated)
	}
	var claims tokenClaims
	if _, err := v.parser.ParseWithClaims(token, &claims, v.keyfunc(ctx)); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	if !validSubject(claims.Subject) {
		return Identity{}, fmt.Errorf("%w: sub must be 1 to %d printable ASCII characters", ErrUnauthenticated, MaxSubjectLen)
	}
	if claims.Subject == Anonymous {
		return Identity{}, fmt.Errorf("%w: sub %q is reserved", ErrUnauthenticated, Anonymous)
	}
	return Identity{User: claims.Subject}, nil
}

// keyfunc picks the key for the token's algorithm: the secret for HS256, the
// JWKS for the others (the parser has already pinned the algorithms).
func (v *Verifier) keyfunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if t.Method.Alg() == jwt.SigningMethodHS256.Alg() {
			return v.cfg.Secret, nil
		}
		if v.jwks == nil {
			return nil, errors.New("auth: no key set for " + t.Method.Alg())
		}
		return v.jwks.KeyfuncCtx(ctx)(t)
	}
}

// validSubject reports whether sub is a usable user id: 1..MaxSubjectLen
// printable ASCII characters without space (it travels as OSS metadata).
func validSubject(sub string) bool {
	if sub == "" || len(sub) > MaxSubjectLen {
		return false
	}
	for i := 0; i < len(sub); i++ {
		if sub[i] <= ' ' || sub[i] > '~' {
			return false
		}
	}
	return true
}
