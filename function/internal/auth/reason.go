package auth

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// Reason is why a bearer token was refused, one of a fixed set. The sign
// function answers a fixed message per reason; the detail of an Error goes
// to the log only (it may quote a token's header, such as an unknown kid).
type Reason string

// The reasons.
const (
	ReasonMissing     Reason = "missing"            // no Authorization header
	ReasonMalformed   Reason = "malformed"          // not "Bearer <JWT>", too long, undecodable
	ReasonExpired     Reason = "expired"            // exp passed
	ReasonNotYetValid Reason = "not-yet-valid"      // nbf or iat in the future
	ReasonAudience    Reason = "issuer-or-audience" // iss or aud not the configured one
	ReasonSignature   Reason = "signature"          // bad signature, algorithm or key
	ReasonClaims      Reason = "claims"             // exp, iat or sub missing or unusable; lifetime too long
	ReasonNoKey       Reason = "no-key"             // a token sent where no key is configured
)

// Error is the error Authenticate returns. It wraps ErrUnauthenticated and
// Detail; its message holds the detail, so it is for the log, never for a
// client.
type Error struct {
	Reason Reason
	Detail error
}

func (e *Error) Error() string {
	return ErrUnauthenticated.Error() + ": " + string(e.Reason) + ": " + e.Detail.Error()
}

// Unwrap returns ErrUnauthenticated and the detail.
func (e *Error) Unwrap() []error { return []error{ErrUnauthenticated, e.Detail} }

// refuse returns an *Error of reason r with detail.
func refuse(r Reason, detail string) error { return &Error{Reason: r, Detail: errors.New(detail)} }

// parseReason maps an error of the JWT parser on claims c to a Reason. A
// token that fails several checks gets the first of: malformed, signature,
// expired, not yet valid, issuer or audience, claims. A missing iss or aud
// that the configuration requires is a wrong issuer or audience.
func (v *Verifier) parseReason(err error, c *tokenClaims) Reason {
	missingIssOrAud := (v.cfg.Issuer != "" && c.Issuer == "") || (v.cfg.Audience != "" && len(c.Audience) == 0)
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return ReasonMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return ReasonSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return ReasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return ReasonNotYetValid
	case errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, jwt.ErrTokenInvalidAudience),
		errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && missingIssOrAud:
		return ReasonAudience
	}
	return ReasonClaims
}
