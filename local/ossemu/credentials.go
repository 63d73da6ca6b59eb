package ossemu

import (
	"crypto/subtle"
	"net/http"
)

// credentialFor finds the credential a request signed by ak may use, given
// the security token it carries ("" when it sends none), and checks it the
// way the OSS error-centre pages describe:
//
//   - ak unknown: InvalidAccessKeyId; with a token OSS treats the request as
//     an STS request whose key STS never issued (EC 0002-00000002);
//   - a long-term key sent with a token: the same (0002-00000002 names this
//     case: "a RAM user's AccessKey sent with a SecurityToken");
//   - an STS key sent without its token: InvalidAccessKeyId (OSS looks it up
//     among long-term keys and finds nothing);
//   - an STS key with another token: InvalidSecurityToken (0002-00000006);
//   - an STS key past its expiry: SecurityTokenExpired (0002-00000007).
func (s *Server) credentialFor(ak, token string) (Credential, error) {
	c, ok := s.credential(ak)
	switch {
	case !ok || (c.SecurityToken == "" && token != ""):
		ec := ""
		if token != "" {
			ec = ecSTSKeyUnknown
		}
		return Credential{}, errInvalidAccessKeyID(ec)
	case c.SecurityToken == "":
		return c, nil
	case token == "":
		return Credential{}, errInvalidAccessKeyID("")
	case subtle.ConstantTimeCompare([]byte(token), []byte(c.SecurityToken)) != 1:
		return Credential{}, errorf(http.StatusForbidden, "InvalidSecurityToken", ecTokenInvalid, msgTokenInvalid)
	case !c.Expires.IsZero() && !s.cfg.Now().Before(c.Expires):
		return Credential{}, errorf(http.StatusForbidden, "SecurityTokenExpired", ecTokenExpired, msgTokenExpired)
	}
	return c, nil
}

// RemoveCredential forgets the credential with AccessKeyId ak (if any):
// requests signed with it then get InvalidAccessKeyId.
func (s *Server) RemoveCredential(ak string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.creds, ak)
}
