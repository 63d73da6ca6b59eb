package ossemu

import "time"

// postAuth checks the V4 signature fields of a PostObject form, in this
// order: signature version, credential scope (shape, date == x-oss-date's
// date, region == the server's), x-oss-date (at most 15 minutes ahead of
// now, at most 7 days old), the AccessKey (known, not expired, the exact STS
// token), then the signature over the policy field. It returns the x-oss-date.
func (s *Server) postAuth(f *form) (time.Time, error) {
	if !f.has("policy") {
		return time.Time{}, errAccessDenied("", msgAccessDenied)
	}
	if v := f.get("x-oss-signature-version"); v != v4Algorithm {
		if f.has("OSSAccessKeyId") || f.has("Signature") {
			return time.Time{}, errInvalidArgument("V1 POST signatures are not supported by this endpoint; use %s.", v4Algorithm)
		}
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
