package auth

import (
	"encoding/json"
	"math"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenClaims are the registered claims a token is checked against: what
// jwt.RegisteredClaims holds, decoded the same way (jti, which nothing reads,
// aside), but cheaper. jwt.NumericDate decodes each time claim with a nested
// json.Unmarshal; here exp, nbf and iat are kept as the json.Number they are
// (a JSON number, or a string holding one, exactly what NumericDate accepts;
// null or absent is "") and converted, as NumericDate converts them, only
// when the validator asks.
type tokenClaims struct {
	Subject   string           `json:"sub"`
	Issuer    string           `json:"iss"`
	Audience  jwt.ClaimStrings `json:"aud"`
	ExpiresAt json.Number      `json:"exp"`
	NotBefore json.Number      `json:"nbf"`
	IssuedAt  json.Number      `json:"iat"`
}

var _ jwt.Claims = (*tokenClaims)(nil)

// numericDate converts a decoded time claim as jwt.NumericDate.UnmarshalJSON
// does: seconds since the epoch, fraction kept, truncated to
// jwt.TimePrecision. An absent claim is nil; a number out of float64 range
// is an error.
func numericDate(n json.Number) (*jwt.NumericDate, error) {
	if n == "" {
		return nil, nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil, err
	}
	round, frac := math.Modf(f)
	return jwt.NewNumericDate(time.Unix(int64(round), int64(frac*1e9))), nil
}

func (c *tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return numericDate(c.ExpiresAt) }
func (c *tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return numericDate(c.NotBefore) }
func (c *tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return numericDate(c.IssuedAt) }
func (c *tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience, nil }
func (c *tokenClaims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *tokenClaims) GetSubject() (string, error)                  { return c.Subject, nil }
