package ossemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// authenticate checks the signature of an object API request, in whichever
// of the four forms OSS accepts it carries:
//   - "Authorization: OSS <ak>:<signature>" (V1 header, the Go SDK v3 and
//     ali-oss default);
//   - "Authorization: OSS4-HMAC-SHA256 Credential=..." (V4 header);
//   - "Authorization: OSS2 AccessKeyId:..." and ?x-oss-signature-version=OSS2
//     (V2, sigv2.go);
//   - ?OSSAccessKeyId=&Expires=&Signature= (V1 presigned URL, queryauth.go);
//   - ?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=... (V4
//     presigned URL, queryauth.go).
//
// A request with none of them is anonymous and denied (a private bucket).
func (s *Server) authenticate(q *request) error {
	auth := q.r.Header.Get("Authorization")
	query := q.r.URL.Query()
	switch {
	case auth != "":
		return s.authHeader(q, auth)
	case query.Has("OSSAccessKeyId") || query.Has("Signature"):
		return s.authQueryV1(q, query)
	case query.Get("x-oss-signature-version") == "OSS2":
		return s.authQueryV2(q, query)
	case query.Has("x-oss-signature-version") || query.Has("x-oss-signature"):
		return s.authQueryV4(q, query)
	}
	return errAccessDenied("", msgAccessDenied)
}

// authHeader checks an Authorization header:
//   - V1 "OSS <ak>:<signature>": the key (credentialFor, with the
//     x-oss-security-token header), the request time (the Date header, else
//     x-oss-date in the same RFC 1123 form, which ali-oss sends because
//     browsers cannot set Date) within 15 minutes of now, and the HMAC-SHA1
//     signature over that same date;
//   - V4 "OSS4-HMAC-SHA256 Credential=<ak>/<day>/<region>/oss/aliyun_v4_request,...":
//     the same key checks, then checkV4Header.
func (s *Server) authHeader(q *request, auth string) error {
	token := q.r.Header.Get("x-oss-security-token")
	switch {
	case strings.HasPrefix(auth, "OSS "):
		ak, sig, ok := strings.Cut(strings.TrimPrefix(auth, "OSS "), ":")
		if !ok {
			return errInvalidArgument("Authorization header is invalid.")
		}
		c, err := s.credentialFor(ak, token)
		if err != nil {
			return err
		}
		date := firstNonEmpty(q.r.Header.Get("Date"), q.r.Header.Get("x-oss-date"))
		if err := s.checkDate(date); err != nil {
			return err
		}
		if !hmac.Equal([]byte(signV1(c.AccessKeySecret, q, date)), []byte(sig)) {
			return errSignature()
		}
		return nil
	case strings.HasPrefix(auth, "OSS2 "):
		return s.authHeaderV2(q, auth)
	case strings.HasPrefix(auth, v4Algorithm+" "):
		a, ok := parseV4Auth(auth)
		if !ok {
			return errInvalidArgument("Authorization header is invalid.")
		}
		c, err := s.credentialFor(a.scope.AccessKeyID, token)
		if err != nil {
			return err
		}
		return s.checkV4Header(q, a, c.AccessKeySecret)
	}
	return errInvalidArgument("Authorization header is invalid.")
}

// checkDate checks an RFC 1123 request time: parseable (else AccessDenied,
// EC 0002-00000505) and within 15 minutes of now (else RequestTimeTooSkewed,
// EC 0002-00000504).
func (s *Server) checkDate(date string) error {
	t, err := http.ParseTime(date)
	if err != nil {
		return errAccessDenied(ecBadTime, "OSS authentication requires a valid Date.")
	}
	return s.checkSkew(t)
}

func (s *Server) checkSkew(t time.Time) error {
	if d := s.cfg.Now().Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return errTimeSkewed(ecHeaderSkewed)
	}
	return nil
}

// signV1 computes the V1 signature of q with date in the date slot:
// base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\ndate\n
// CanonicalizedOSSHeaders CanonicalizedResource)). For a presigned URL the
// date slot holds Expires.
func signV1(secret string, q *request, date string) string {
	h := q.r.Header
	var b strings.Builder
	b.WriteString(q.r.Method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + date + "\n")
	var names []string
	for k := range h {
		if l := strings.ToLower(k); strings.HasPrefix(l, "x-oss-") {
			names = append(names, l)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(n + ":" + strings.TrimSpace(h.Get(n)) + "\n")
	}
	b.WriteString("/" + q.bucket + "/" + q.key)
	b.WriteString(subResource(q.r))
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// subResource is "?k1=v1&k2" for the query parameters V1 signs, sorted: the
// sub-resources below and every x-oss-* parameter (as the v2 Go SDK signs
// them), values decoded.
func subResource(r *http.Request) string {
	query := r.URL.Query()
	var keys []string
	for k := range query {
		if slices.Contains(signedParams, k) || strings.HasPrefix(k, "x-oss-") {
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

// signedParams are the sub-resources V1 signs (the Go SDK v3 list, which
// contains the v2 SDK's).
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
