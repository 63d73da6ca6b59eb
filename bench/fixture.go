package bench

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/signer"
)

// Fixture is the one request every side of the comparison answers: the same
// HS256 secret and token, the same STS-style credentials (obviously fake),
// bucket, region and body.
type Fixture struct {
	Bucket, Region        string
	JWTSecret             string
	Authorization         string // "Bearer <jwt>"
	Body                  string // the POST /sign body
	AccessKeyID, Secret   string
	SecurityToken, Sub    string
	Profile, ContentType  string
	FileName              string
	FileSize              int64
	TokenExpiry, IssuedAt time.Time
}

// NewFixture returns the benchmark fixture with a token valid for an hour
// from now.
func NewFixture(now time.Time) (Fixture, error) {
	f := Fixture{
		Bucket: "ossgate-bench", Region: "cn-hangzhou",
		JWTSecret:   "bench-only-hs256-secret-not-a-real-one-0123456789",
		AccessKeyID: "STS.bench-only-fake-id", Secret: "bench-only-fake-secret",
		SecurityToken: "bench-only-fake-security-token", Sub: "user-42",
		Profile: "avatar", ContentType: "image/png", FileName: "me.png", FileSize: 52311,
		IssuedAt: now.UTC(), TokenExpiry: now.UTC().Add(time.Hour),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   f.Sub,
		IssuedAt:  jwt.NewNumericDate(f.IssuedAt),
		ExpiresAt: jwt.NewNumericDate(f.TokenExpiry),
	}).SignedString([]byte(f.JWTSecret))
	if err != nil {
		return Fixture{}, fmt.Errorf("bench: sign fixture token: %w", err)
	}
	f.Authorization = "Bearer " + tok
	f.Body = fmt.Sprintf(`{"profile":%q,"files":[{"name":%q,"type":%q,"size":%d}]}`,
		f.Profile, f.FileName, f.ContentType, f.FileSize)
	return f, nil
}

// NodeInput is the fixture in the form bench/node-alt reads (percall.js on
// stdin, server.js in NODE_ALT_FIXTURE); jwtKey is "string" or "keyobject".
func (f Fixture) NodeInput(jwtKey string, iterations, warmup int) map[string]any {
	return map[string]any{
		"config": map[string]any{"bucket": f.Bucket, "region": f.Region, "jwtSecret": f.JWTSecret, "jwtKey": jwtKey},
		"creds": map[string]any{"accessKeyId": f.AccessKeyID, "accessKeySecret": f.Secret,
			"securityToken": f.SecurityToken},
		"authorization": f.Authorization, "body": f.Body,
		"iterations": iterations, "warmup": warmup,
	}
}

// Credentials returns the fixture's fake STS credentials.
func (f Fixture) Credentials() signer.Credentials {
	return signer.Credentials{AccessKeyID: f.AccessKeyID, AccessKeySecret: f.Secret, SecurityToken: f.SecurityToken}
}
