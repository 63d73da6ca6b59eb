package ossemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"time"
)

// postAuth checks the V4 signature fields of a PostObject form, in this
// order: signature version, credential scope (shape, date == x-oss-date's
// date, region == the server's), x-oss-date (at most 15 minutes ahead of
// now, at most 7 days old), the AccessKey (known, not expired, the exact STS
// token), then the signature over the policy field. It returns the x-oss-date
// (zero for a V1 form, OSSAccessKeyId and Signature, which has none).
func (s *Server) postAuth(f *form) (time.Time, error) {
	if !f.has("policy") {
		return time.Time{}, errAccessDenied("", msgAccessDenied)
	}
	if !f.has("x-oss-signature-version") && (f.has("OSSAccessKeyId") || f.has("Signature")) {
		return time.Time{}, s.postAuthV1(f)
	}
	if v := f.get("x-oss-signature-version"); v != v4Algorithm {
		return time.Time{}, errInvalidArgument("Invalid x-oss-signature-version: %q, expected %s.", v, v4Algorithm)
	}
	scope, ok := parseV4Credential(f.get("x-oss-credential"))
	if !ok {
		return time.Time{}, errInvalidArgument("Invalid x-oss-credential: expected <AccessKeyId>/<YYYYMMDD>/<region>/oss/aliyun_v4_request.")
	}
	date, err := time.Parse(v4DateLayout, f.get("x-oss-date"))
	if err != nil {
		return time.Time{}, errInvalidArgument("Invalid x-oss-date: expected YYYYMMDDTHHMMSSZ.")
	}
	if scope.Day != date.Format(v4DayLayout) {
		return time.Time{}, errInvalidArgument("Invalid signing date in x-oss-credential: %s does not match x-oss-date.", scope.Day)
	}
	if scope.Region != s.cfg.Region {
		return time.Time{}, errInvalidArgument("Invalid signing region in x-oss-credential: %s, expected %s.", scope.Region, s.cfg.Region)
	}
	now := s.cfg.Now()
	if date.Sub(now) > maxClockSkew {
		return time.Time{}, errTimeSkewed("")
	}
	if now.Sub(date) > maxV4Validity {
		return time.Time{}, errAccessDenied("", msgPolicyExpired)
	}
	c, err := s.credentialFor(scope.AccessKeyID, f.get("x-oss-security-token"))
	if err != nil {
		return time.Time{}, err
	}
	want := v4Signature(c.AccessKeySecret, scope.Day, scope.Region, f.get("policy"))
	if !signatureEqual(want, f.get("x-oss-signature")) {
		return time.Time{}, errSignature()
	}
	return date, nil
}

// postAuthV1 checks the V1 signature of a PostObject form (the PostObject
// page of the OSS API reference; ali-oss lib/object.js signPostObjectPolicy
// and aliyun-oss-go-sdk's samples sign this way): OSSAccessKeyId (known,
// with the exact x-oss-security-token for STS keys) and Signature =
// base64(HMAC-SHA1(secret, policy field)).
func (s *Server) postAuthV1(f *form) error {
	c, err := s.credentialFor(f.get("OSSAccessKeyId"), f.get("x-oss-security-token"))
	if err != nil {
		return err
	}
	m := hmac.New(sha1.New, []byte(c.AccessKeySecret))
	m.Write([]byte(f.get("policy")))
	if !signatureEqual(base64.StdEncoding.EncodeToString(m.Sum(nil)), f.get("Signature")) {
		return errSignature()
	}
	return nil
}
