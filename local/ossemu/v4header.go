package ossemu

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file verifies V4 header signatures (Authorization:
// OSS4-HMAC-SHA256 Credential=...,AdditionalHeaders=...,Signature=...), the
// emulator's own implementation of the documented canonical request:
//
//	VERB \n URI-encoded /bucket/key ("/" kept) \n canonical query \n
//	canonical headers (content-md5, content-type, x-oss-*, additional; "name:value\n", sorted) \n
//	additional header names ";"-joined \n x-oss-content-sha256 (else UNSIGNED-PAYLOAD)
//
// string to sign: OSS4-HMAC-SHA256 \n date \n day/region/oss/aliyun_v4_request \n hex(sha256(canonical request)).

// v4Auth is a parsed V4 Authorization header.
type v4Auth struct {
	scope      v4Scope
	additional []string
	signature  string
}

func parseV4Auth(h string) (v4Auth, bool) {
	var a v4Auth
	rest, ok := strings.CutPrefix(h, v4Algorithm+" ")
	if !ok {
		return a, false
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			a.scope, ok = parseV4Credential(v)
		case "AdditionalHeaders":
			a.additional = strings.Split(strings.ToLower(v), ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, ok && a.signature != ""
}

// checkV4Header verifies a V4 header-signed request with the key's secret:
// region, the request time (x-oss-date, else Date) within 15 minutes and on
// the credential's day, the signature.
func (s *Server) checkV4Header(q *request, a v4Auth, secret string) error {
	if a.scope.Region != s.cfg.Region {
		return errInvalidArgument("Invalid signing region in Authorization header: %s, expected %s.", a.scope.Region, s.cfg.Region)
	}
	date := q.r.Header.Get("x-oss-date")
	t, err := time.Parse(v4DateLayout, date)
	if date == "" {
		date = q.r.Header.Get("Date")
		t, err = http.ParseTime(date)
	}
	if err != nil {
		return errAccessDenied(ecBadTime, "OSS authentication requires a valid Date or x-oss-date.")
	}
	if err := s.checkSkew(t); err != nil {
		return err
	}
	if t.UTC().Format(v4DayLayout) != a.scope.Day {
		return errInvalidArgument("Invalid signing date in Authorization header: %s.", a.scope.Day)
	}
	return checkV4Signature(q, a, secret, date, "")
}

// checkV4Signature recomputes the V4 signature of q signed at date (the
// YYYYMMDDTHHMMSSZ, or for a header-signed request possibly RFC 1123, value
// the client put in the string to sign) and compares it with a's. skipParam
// names the query parameter left out of the canonical query (x-oss-signature
// for a presigned URL).
func checkV4Signature(q *request, a v4Auth, secret, date, skipParam string) error {
	for _, name := range a.additional {
		if name != "" && !hasHeader(q.r, name) {
			// OSS refuses a request that lacks a header its signature names
			// with 400, before comparing signatures
			// (alibabacloud-oss-go-sdk-v2 oss/client_integration_presign_test.go
			// TestPresignExtra expects 400 of OSS); the code is unconfirmed.
			return errInvalidArgument("The request lacks the header %q named in x-oss-additional-headers.", name)
		}
	}
	scope := a.scope.Day + "/" + a.scope.Region + "/" + v4Product + "/" + v4Terminator
	sts := v4Algorithm + "\n" + date + "\n" + scope + "\n" + sha256Hex(canonicalRequest(q, a.additional, skipParam))
	if !signatureEqual(v4Signature(secret, a.scope.Day, a.scope.Region, sts), a.signature) {
		return errSignature()
	}
	return nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// canonicalRequest is the V4 canonical request of q: content-md5,
// content-type, every x-oss-* header and the additional headers (a header
// sent several times is its trimmed values ","-joined; an additional header
// the request lacks is signed empty), the query without skipParam.
func canonicalRequest(q *request, additional []string, skipParam string) string {
	var b strings.Builder
	b.WriteString(q.r.Method + "\n")
	b.WriteString("/" + q.bucket + "/" + uriEncode(q.key, true) + "\n")
	query := q.r.URL.Query()
	query.Del(skipParam)
	b.WriteString(canonicalQuery(query) + "\n")
	headers := map[string]string{}
	for k := range q.r.Header {
		l := strings.ToLower(k)
		if l == "content-type" || l == "content-md5" || strings.HasPrefix(l, "x-oss-") {
			headers[l] = headerValue(q.r, l)
		}
	}
	var extra []string
	for _, name := range additional {
		if name == "" {
			continue
		}
		extra = append(extra, name)
		headers[name] = headerValue(q.r, name)
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(n + ":" + headers[n] + "\n")
	}
	b.WriteString("\n" + strings.Join(extra, ";") + "\n")
	b.WriteString(firstNonEmpty(q.r.Header.Get("x-oss-content-sha256"), "UNSIGNED-PAYLOAD"))
	return b.String()
}

// headerValue is the value of the lower-case header name as a V4 signer
// saw it: Host from the request line, Content-Length from the request's
// length when the header map lacks it.
// hasHeader reports whether r carries the header name (host and a known
// content-length always).
func hasHeader(r *http.Request, name string) bool {
	switch name {
	case "host":
		return r.Host != ""
	case "content-length":
		return r.ContentLength >= 0 || r.Header.Get(name) != ""
	}
	return len(r.Header.Values(name)) > 0
}

func headerValue(r *http.Request, name string) string {
	switch {
	case name == "host":
		return r.Host
	case name == "content-length" && r.Header.Get(name) == "" && r.ContentLength >= 0:
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := slices.Clone(r.Header.Values(name))
	for i, v := range vals {
		vals[i] = strings.TrimSpace(v)
	}
	return strings.Join(vals, ",")
}

// canonicalQuery is the query, names and values URI-encoded, sorted by
// encoded name, "name=value" ("name" alone for an empty value), "&"-joined.
func canonicalQuery(v url.Values) string {
	var parts []string
	for k, vals := range v {
		for _, val := range vals {
			p := uriEncode(k, false)
			if val != "" {
				p += "=" + uriEncode(val, false)
			}
			parts = append(parts, p)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes every byte except the RFC 3986 unreserved
// characters (and "/" when keepSlash), with upper-case hex.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', keepSlash && c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
