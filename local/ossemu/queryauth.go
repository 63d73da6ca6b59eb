package ossemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxURLExpires is the longest validity a V4 presigned URL may ask for
// (x-oss-expires, seconds): 7 days.
const maxURLExpires = 7 * 24 * 60 * 60

// authQueryV1 checks a V1 presigned URL: ?OSSAccessKeyId=&Expires=&Signature=
// (and security-token for STS keys). Expires is a Unix time; past it the URL
// is refused as OSS does (AccessDenied "Request has expired.", EC
// 0002-00000069); then the key (credentialFor) and the signature, which is
// the V1 header signature with Expires in the date slot.
func (s *Server) authQueryV1(q *request, query url.Values) error {
	ak, exp, sig := query.Get("OSSAccessKeyId"), query.Get("Expires"), query.Get("Signature")
	if ak == "" || sig == "" {
		return errAccessDenied("", "Invalid query-string authentication: OSSAccessKeyId and Signature are required.")
	}
	if exp == "" {
		return errAccessDenied("0002-00000068", "Invalid query-string authentication: Expires is required.")
	}
	at, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return errAccessDenied(ecURLExpiresBad, "Invalid argument Expires: %s.", exp)
	}
	if s.cfg.Now().Unix() > at {
		return errAccessDenied(ecURLExpired, msgRequestExpired)
	}
	c, err := s.credentialFor(ak, query.Get("security-token"))
	if err != nil {
		return err
	}
	if !signatureEqual(signV1(c.AccessKeySecret, q, exp), sig) {
		return errSignature()
	}
	return nil
}

// authQueryV4 checks a V4 presigned URL: x-oss-signature-version
// OSS4-HMAC-SHA256, x-oss-credential (region = the server's, day = the day
// of x-oss-date), x-oss-date, x-oss-expires (1 s to 7 days), optional
// x-oss-additional-headers and x-oss-security-token, x-oss-signature. The URL
// is valid from 15 minutes before x-oss-date (EC 0002-00000235) until
// x-oss-date + x-oss-expires (then AccessDenied "Request has expired.", EC
// 0002-00000069). The canonical request is the header form's with every
// query parameter except x-oss-signature and UNSIGNED-PAYLOAD.
func (s *Server) authQueryV4(q *request, query url.Values) error {
	if v := query.Get("x-oss-signature-version"); v != v4Algorithm {
		return errInvalidArgument("Invalid x-oss-signature-version: %q, expected %s.", v, v4Algorithm)
	}
	scope, ok := parseV4Credential(query.Get("x-oss-credential"))
	if !ok {
		return errInvalidArgument("Invalid x-oss-credential: expected <AccessKeyId>/<YYYYMMDD>/<region>/oss/aliyun_v4_request.")
	}
	if scope.Region != s.cfg.Region {
		return errInvalidArgument("Invalid signing region in x-oss-credential: %s, expected %s.", scope.Region, s.cfg.Region)
	}
	date := query.Get("x-oss-date")
	t, err := time.Parse(v4DateLayout, date)
	if err != nil {
		return errAccessDenied(ecBadTime, "Invalid x-oss-date: expected YYYYMMDDTHHMMSSZ.")
	}
	if t.Format(v4DayLayout) != scope.Day {
		return errInvalidArgument("Invalid signing date in x-oss-credential: %s does not match x-oss-date.", scope.Day)
	}
	secs, err := strconv.ParseInt(query.Get("x-oss-expires"), 10, 64)
	if err != nil || secs <= 0 || secs > maxURLExpires {
		return errorf(http.StatusBadRequest, "InvalidArgument", ecURLExpiresBad, "Invalid x-oss-expires: an integer from 1 to %d is required.", maxURLExpires)
	}
	now := s.cfg.Now()
	if now.Before(t.Add(-maxClockSkew)) {
		return errAccessDenied(ecURLNotYetValid, "Request is not valid yet: x-oss-date is more than 15 minutes ahead.")
	}
	if now.After(t.Add(time.Duration(secs) * time.Second)) {
		return errAccessDenied(ecURLExpired, msgRequestExpired)
	}
	c, err := s.credentialFor(scope.AccessKeyID, query.Get("x-oss-security-token"))
	if err != nil {
		return err
	}
	a := v4Auth{scope: scope, signature: query.Get("x-oss-signature")}
	if h := query.Get("x-oss-additional-headers"); h != "" {
		a.additional = strings.Split(strings.ToLower(h), ";")
	}
	return checkV4Signature(q, a, c.AccessKeySecret, date, "x-oss-signature")
}
