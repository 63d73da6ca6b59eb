package ossemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Signature version 2 ("OSS2"), as aliyun-oss-go-sdk v3 signs it
// (oss/auth.go getSignedStr and signHeader, oss/conn.go getSubResource,
// getResource and signURL with AuthV2):
//
//	base64(HMAC-SHA256(secret, VERB \n Content-MD5 \n Content-Type \n date \n
//	  CanonicalizedHeaders AdditionalHeaderNames \n CanonicalizedResource))
//
// CanonicalizedHeaders are the x-oss-* headers and the additional headers,
// "name:value\n", names lower-cased and sorted; AdditionalHeaderNames their
// names ";"-joined; CanonicalizedResource is QueryEscape("/bucket/") +
// QueryEscape(key) (a space %20) and, if the request has query parameters,
// "?" and every one of them (but the signature itself) query-escaped,
// sorted by escaped name, "name=value" or "name" alone for an empty value.
// In a header it is "Authorization: OSS2 AccessKeyId:<ak>[,AdditionalHeaders:
// h1;h2],Signature:<sig>"; in a presigned URL x-oss-signature-version=OSS2,
// x-oss-access-key-id, x-oss-expires (Unix time, in the date slot),
// [x-oss-additional-headers], x-oss-signature.

// v2Auth is a parsed OSS2 Authorization header.
type v2Auth struct {
	ak, signature string
	additional    []string
}

func parseV2Auth(auth string) (v2Auth, bool) {
	var a v2Auth
	for field := range strings.SplitSeq(strings.TrimPrefix(auth, "OSS2 "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(field), ":")
		if !ok {
			return a, false
		}
		switch k {
		case "AccessKeyId":
			a.ak = v
		case "AdditionalHeaders":
			a.additional = strings.Split(strings.ToLower(v), ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.ak != "" && a.signature != ""
}

// signV2 computes the V2 signature of q with date in the date slot; the
// query parameter skip (the URL's signature) is left out.
func signV2(secret string, q *request, date string, additional []string, skip string) string {
	h := q.r.Header
	var b strings.Builder
	b.WriteString(q.r.Method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + date + "\n")
	headers := map[string]string{}
	for k, v := range h {
		if l := strings.ToLower(k); strings.HasPrefix(l, "x-oss-") {
			headers[l] = v[0]
		}
	}
	var names []string
	for _, n := range additional {
		if n != "" {
			names = append(names, n)
			headers[n] = headerValue(q.r, n)
		}
	}
	keys := make([]string, 0, len(headers))
	for k := range headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(k + ":" + headers[k] + "\n")
	}
	b.WriteString(strings.Join(names, ";") + "\n")
	b.WriteString(url.QueryEscape("/"+q.bucket+"/") + strings.ReplaceAll(url.QueryEscape(q.key), "+", "%20"))
	query := q.r.URL.Query()
	query.Del(skip)
	if len(query) > 0 {
		var params []string
		for k := range query {
			p := url.QueryEscape(k)
			if v := query.Get(k); v != "" {
				p += "=" + strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
			}
			params = append(params, p)
		}
		sort.Strings(params)
		b.WriteString("?" + strings.Join(params, "&"))
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// authHeaderV2 checks an OSS2 Authorization header: the key, the request
// time (Date, else x-oss-date) and the signature.
func (s *Server) authHeaderV2(q *request, auth string) error {
	a, ok := parseV2Auth(auth)
	if !ok {
		return errInvalidArgument("Authorization header is invalid.")
	}
	c, err := s.credentialFor(a.ak, q.r.Header.Get("x-oss-security-token"))
	if err != nil {
		return err
	}
	date := firstNonEmpty(q.r.Header.Get("Date"), q.r.Header.Get("x-oss-date"))
	if err := s.checkDate(date); err != nil {
		return err
	}
	if !signatureEqual(signV2(c.AccessKeySecret, q, date, a.additional, ""), a.signature) {
		return errSignature()
	}
	return nil
}

// authQueryV2 checks an OSS2 presigned URL: expiry as for V1 (x-oss-expires
// a Unix time), the key (x-oss-access-key-id, with security-token for STS)
// and the signature.
func (s *Server) authQueryV2(q *request, query url.Values) error {
	ak, exp, sig := query.Get("x-oss-access-key-id"), query.Get("x-oss-expires"), query.Get("x-oss-signature")
	if ak == "" || sig == "" || exp == "" {
		return errAccessDenied("", "Invalid query-string authentication: x-oss-access-key-id, x-oss-expires and x-oss-signature are required.")
	}
	at, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return errAccessDenied(ecURLExpiresBad, "Invalid argument x-oss-expires: %s.", exp)
	}
	if s.cfg.Now().Unix() > at {
		return errAccessDenied(ecURLExpired, msgRequestExpired)
	}
	c, err := s.credentialFor(ak, query.Get("security-token"))
	if err != nil {
		return err
	}
	var additional []string
	if h := query.Get("x-oss-additional-headers"); h != "" {
		additional = strings.Split(strings.ToLower(h), ";")
	}
	if !signatureEqual(signV2(c.AccessKeySecret, q, exp, additional, "x-oss-signature"), sig) {
		return errSignature()
	}
	return nil
}
