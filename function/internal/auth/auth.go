// Package auth authenticates sign-function callers by a bearer JWT: HS256
// with a shared secret, or RS256/ES256 with keys from a JWKS URL (fetched and
// cached by MicahParks/keyfunc). The user id is the token's sub.
package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
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

// ErrUnauthenticated is wrapped by every error Authenticate returns (an
// *Error, which says why), and never echoes the token.
var ErrUnauthenticated = errors.New("auth: unauthenticated")

// Options are the optional inputs of FromConfig; the zero value of each
// field is its default.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient fetches the JWKS; nil means a new client. Either way the
	// fetch follows no redirect, reads at most MaxJWKSBytes and times out
	// after FetchTimeout.
	HTTPClient *http.Client
	// FetchTimeout bounds one fetch of the JWKS; 0 means
	// DefaultFetchTimeout.
	FetchTimeout time.Duration
}

// Identity is an authenticated caller.
type Identity struct {
	User      string // the token's sub, or Anonymous
	Anonymous bool
	payload   string // the verified token's claims segment; "" without a token
}

// Claim returns the verified token's claim name when it is a string of 1 to
// MaxSubjectLen printable ASCII characters without space (a user id, such
// as a WeChat openid, that may travel as OSS metadata); "sub" is User. It
// reports false for a caller without a token and for a claim that is
// absent or not such a string.
func (id Identity) Claim(name string) (string, bool) {
	if name == "sub" {
		return id.User, !id.Anonymous && id.User != ""
	}
	if id.payload == "" {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(id.payload)
	if err != nil {
		return "", false
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(b, &claims) != nil {
		return "", false
	}
	var v string
	if raw, ok := claims[name]; !ok || json.Unmarshal(raw, &v) != nil || !validSubject(v) {
		return "", false
	}
	return v, true
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	cfg    config.Auth
	now    func() time.Time
	jwks   keyfunc.Keyfunc // nil without JWKSURL
	parser *jwt.Parser
}

// FromConfig returns a Verifier for the validated cfg (a zero MaxTTL means
// config.DefaultJWTMaxTTL). With a JWKSURL it fetches the key set before it
// returns, and keeps refreshing it in the background (hourly and on an
// unknown kid, until ctx ends); a key set that cannot be fetched, or holds
// no usable key, is an error naming the URL, so the function does not start.
func FromConfig(ctx context.Context, cfg config.Auth, o Options) (*Verifier, error) {
	v := &Verifier{cfg: cfg, now: o.Now}
	if v.now == nil {
		v.now = time.Now
	}
	if v.cfg.MaxTTL <= 0 {
		v.cfg.MaxTTL = config.DefaultJWTMaxTTL
	}
	var methods []string
	if len(cfg.Secret) > 0 {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.JWKSURL != "" {
		k, err := newKeySet(ctx, cfg.JWKSURL, o)
		if err != nil {
			return nil, err
		}
		v.jwks = k
		methods = append(methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(Leeway),
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
// even then: signed with a configured key, exp, iat and sub present, nbf and
// iat not in the future and exp not past (each with Leeway), iss and aud
// the configured ones when set, and exp - iat at most the configured
// MaxTTL. Errors are *Error values (wrapping ErrUnauthenticated).
func (v *Verifier) Authenticate(ctx context.Context, header string) (Identity, error) {
	if header == "" {
		if v.cfg.AllowAnonymous {
			return Identity{User: Anonymous, Anonymous: true}, nil
		}
		return Identity{}, refuse(ReasonMissing, "no Authorization header")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Identity{}, refuse(ReasonMalformed, "not \"Authorization: Bearer <token>\"")
	}
	if len(token) > MaxTokenLength {
		return Identity{}, refuse(ReasonMalformed, fmt.Sprintf("token longer than %d bytes", MaxTokenLength))
	}
	if len(v.cfg.Secret) == 0 && v.jwks == nil {
		return Identity{}, refuse(ReasonNoKey, "tokens are not accepted (no key configured)")
	}
	var claims tokenClaims
	if _, err := v.parser.ParseWithClaims(token, &claims, v.keyfunc(ctx)); err != nil {
		return Identity{}, &Error{Reason: v.parseReason(err, &claims), Detail: err}
	}
	if err := v.checkLifetime(&claims); err != nil {
		return Identity{}, err
	}
	if !validSubject(claims.Subject) {
		return Identity{}, refuse(ReasonClaims, fmt.Sprintf("sub must be 1 to %d printable ASCII characters", MaxSubjectLen))
	}
	if claims.Subject == Anonymous {
		return Identity{}, refuse(ReasonClaims, fmt.Sprintf("sub %q is reserved", Anonymous))
	}
	_, rest, _ := strings.Cut(token, ".") // a verified token has three segments
	payload, _, _ := strings.Cut(rest, ".")
	return Identity{User: claims.Subject, payload: payload}, nil
}

// checkLifetime requires iat and refuses a token valid for longer than the
// configured MaxTTL (exp - iat); the parser has checked both are numbers.
func (v *Verifier) checkLifetime(c *tokenClaims) error {
	iat, err := c.GetIssuedAt()
	if err != nil || iat == nil {
		return refuse(ReasonClaims, "iat is required")
	}
	exp, err := c.GetExpirationTime()
	if err != nil || exp == nil {
		return refuse(ReasonClaims, "exp is required")
	}
	if life := exp.Sub(iat.Time); life > v.cfg.MaxTTL {
		return refuse(ReasonClaims, fmt.Sprintf("lifetime exp - iat of %s is over the %s allowed", life, v.cfg.MaxTTL))
	}
	return nil
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
