package ossemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// authHeader checks the Authorization header of an object API request:
//   - "OSS <ak>:<signature>" (V1, the Go SDK v3 default): the key must be
//     known, unexpired, the x-oss-security-token header exactly its token,
//     the Date header within 15 minutes of now, and the HMAC-SHA1 signature
//     must match;
//   - "OSS4-HMAC-SHA256 Credential=<ak>/<day>/<region>/oss/aliyun_v4_request,...":
//     the same key checks, the region must be the server's, the date
//     (x-oss-date, else Date) within 15 minutes and on the credential's day,
//     and the V4 signature must match (v4header.go).
//
// A request without Authorization is anonymous and denied (private bucket).
func (s *Server) authHeader(q *request) error {
	auth := q.r.Header.Get("Authorization")
	token := q.r.Header.Get("x-oss-security-token")
	switch {
	case auth == "":
		return errAccessDenied("", msgAccessDenied)
	case strings.HasPrefix(auth, "OSS "):
		ak, sig, ok := strings.Cut(strings.TrimPrefix(auth, "OSS "), ":")
		if !ok {
			return errInvalidArgument("Authorization header is invalid.")
		}
		c, err := s.checkKey(ak, token)
		if err != nil {
			return err
		}
		if err := s.checkDate(q.r.Header.Get("Date")); err != nil {
			return err
		}
		if !hmac.Equal([]byte(signV1(c.AccessKeySecret, q)), []byte(sig)) {
			return errSignature()
		}
		return nil
	case strings.HasPrefix(auth, v4Algorithm+" "):
		a, ok := parseV4Auth(auth)
		if !ok {
			return errInvalidArgument("Authorization header is invalid.")
		}
		c, err := s.checkKey(a.scope.AccessKeyID, token)
		if err != nil {
			return err
		}
		return s.checkV4Header(q, a, c.AccessKeySecret)
	}
	return errInvalidArgument("Authorization header is invalid.")
}

func (s *Server) checkDate(date string) error {
	t, err := http.ParseTime(date)
	if err != nil {
		return errAccessDenied("", "OSS authentication requires a valid Date.")
	}
	if d := s.cfg.Now().Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return errorf(http.StatusForbidden, "RequestTimeTooSkewed", "", msgTimeSkewed)
	}
	return nil
}

// signV1 computes the V1 header signature of q:
// base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
// CanonicalizedOSSHeaders CanonicalizedResource)).
func signV1(secret string, q *request) string {
	h := q.r.Header
	var b strings.Builder
	b.WriteString(q.r.Method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + h.Get("Date") + "\n")
	var names []string
	for k := range h {
		if l := strings.ToLower(k); strings.HasPrefix(l, "x-oss-") {
			names = append(names, l)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(n + ":" + h.Get(n) + "\n")
	}
	b.WriteString("/" + q.bucket + "/" + q.key)
	b.WriteString(subResource(q.r))
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// subResource is "?k1=v1&k2" for the query parameters V1 signs, sorted.
func subResource(r *http.Request) string {
	query := r.URL.Query()
	var keys []string
	for k := range query {
		if slices.Contains(signedParams, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	for i, k := range keys {
		if v := query.Get(k); v != "" {
			keys[i] = k + "=" + v
		}
	}
	return "?" + strings.Join(keys, "&")
}

// signedParams are the sub-resources V1 signs (the Go SDK v3 list).
var signedParams = strings.Fields(`acl uploads location cors logging website referer lifecycle
		delete append tagging objectMeta uploadId partNumber security-token position img style
		styleName replication replicationProgress replicationLocation cname bucketInfo comp qos live
		status vod startTime endTime symlink x-oss-process response-content-type x-oss-traffic-limit
		response-content-language response-expires response-cache-control response-content-disposition
		response-content-encoding udf udfName udfImage udfId udfImageDesc udfApplication
		udfApplicationLog restore callback callback-var qosInfo policy stat encryption versions
		versioning versionId requestPayment x-oss-request-payer sequential inventory inventoryId
		continuation-token asyncFetch worm wormId wormExtend withHashContext x-oss-enable-md5
		x-oss-enable-sha1 x-oss-enable-sha256 x-oss-hash-ctx x-oss-md5-ctx transferAcceleration
		regionList cloudboxes x-oss-ac-source-ip x-oss-ac-subnet-mask x-oss-ac-vpc-id
		x-oss-ac-forward-allow metaQuery resourceGroup rtc x-oss-async-process responseHeader`)
