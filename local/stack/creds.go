package stack

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
)

// stsLifetime is how long a minted credential is valid, like an FC
// execution role's STS token.
const stsLifetime = time.Hour

// minter returns the per-invocation credential source: every call mints a
// fresh STS-style triple (AccessKeyId "STS." + random, random secret and
// token, valid one hour) and registers it with the OSS endpoint (in the
// state SetSTS chose for new credentials) before the function sees it.
func (s *Stack) minter() func() fcemu.Credential {
	return func() fcemu.Credential {
		c := fcemu.Credential{
			AccessKeyID:     "STS." + randomHex(12),
			AccessKeySecret: randomB64(30),
			SecurityToken:   "CAIS" + randomB64(96),
			Expires:         time.Now().Add(stsLifetime),
		}
		s.register(ossemu.Credential{
			AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret,
			SecurityToken: c.SecurityToken, Expires: c.Expires,
		})
		return c
	}
}

// AccessKey registers a fresh random AccessKey pair (no security token, no
// expiry) with the OSS endpoint and returns it: a credential for a test or a
// client that reads objects back or writes its own.
func (s *Stack) AccessKey() ossemu.Credential {
	c := ossemu.Credential{AccessKeyID: "LTAIlocal" + randomHex(8), AccessKeySecret: randomB64(30)}
	s.OSS.AddCredential(c)
	return c
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}
