package ossemu

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
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
// region, the day of the signing date, the 15-minute skew, the signature.
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
		return errAccessDenied("", "OSS authentication requires a valid Date or x-oss-date.")
	}
	if d := s.cfg.Now().Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return errorf(http.StatusForbidden, "RequestTimeTooSkewed", "", msgTimeSkewed)
	}
	if t.UTC().Format(v4DayLayout) != a.scope.Day {
		return errInvalidArgument("Invalid signing date in Authorization header: %s.", a.scope.Day)
	}
	sts := v4Algorithm + "\n" + date + "\n" + a.scope.Day + "/" + a.scope.Region + "/" + v4Product + "/" + v4Terminator + "\n" + sha256Hex(canonicalRequest(q, a.additional))
	if !signatureEqual(v4Signature(secret, a.scope.Day, a.scope.Region, sts), a.signature) {
		return errSignature()
	}
	return nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func canonicalRequest(q *request, additional []string) string {
	var b strings.Builder
	b.WriteString(q.r.Method + "\n")
	b.WriteString("/" + q.bucket + "/" + uriEncode(q.key, true) + "\n")
	b.WriteString(canonicalQuery(q.r.URL.Query()) + "\n")
	headers := map[string]string{}
	for k, v := range q.r.Header {
		l := strings.ToLower(k)
		if l == "content-type" || l == "content-md5" || strings.HasPrefix(l, "x-oss-") {
			headers[l] = strings.TrimSpace(v[0])
		}
	}
	var extra []string
	for _, name := range additional {
		if name == "" {
			continue
		}
		extra = append(extra, name)
		if name == "host" {
			headers[name] = q.r.Host
		} else {
			headers[name] = strings.TrimSpace(q.r.Header.Get(name))
		}
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
