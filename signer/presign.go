package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxPresignExpiry is the longest validity OSS accepts for a V4 presigned
// URL (x-oss-expires, counted from x-oss-date).
const MaxPresignExpiry = 7 * 24 * time.Hour

// unsignedPayload is the hashed-payload slot of every presigned request:
// the body is not part of the signature.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// ErrRequest: a presign request has an invalid method, query parameter,
// header or expiry (see [PresignRequest]).
var ErrRequest = errors.New("signer: invalid presign request")

// PresignRequest is one OSS request to sign into a URL with V4 query
// signing. Whoever holds the URL may make exactly this request until it
// expires: OSS recomputes the signature from the request it receives.
type PresignRequest struct {
	// Method is the HTTP method in upper case, e.g. "GET" or "PUT".
	Method string
	// Bucket is the bucket name; Key the object key, unescaped ("" for a
	// request on the bucket itself).
	Bucket, Key string
	// Query holds the URL's own parameters, e.g. partNumber and uploadId
	// for UploadPart, or x-oss-process. It must not name a parameter
	// Presign sets (x-oss-signature-version, x-oss-credential, x-oss-date,
	// x-oss-expires, x-oss-signature, x-oss-additional-headers,
	// x-oss-security-token).
	Query map[string]string
	// Headers are the headers the client will send whose values the
	// signature covers: Content-Type and Content-MD5 when sent (OSS always
	// signs them), every x-oss-* header, and each header named in
	// AdditionalHeaders. Names are case-insensitive.
	Headers map[string]string
	// AdditionalHeaders names further headers to sign, such as
	// "content-length" (which pins the body's size); each must be in
	// Headers. Content-Type, Content-MD5 and x-oss-* headers are signed
	// anyway and are dropped from this list, as the official SDKs do.
	AdditionalHeaders []string
	// Expires is how long the URL is valid, whole seconds from 1 s to
	// MaxPresignExpiry.
	Expires time.Duration
}

// Presigned is a signed request: Query is the URL's raw query string (the
// request's parameters plus the signature), to append after "?" to the
// object's URL on any endpoint form, virtual-hosted or path-style. The
// intermediate strings are exported for tests and debugging.
type Presigned struct {
	Query            string
	Expires          time.Time // the signing time plus the request's Expires
	CanonicalRequest string
	StringToSign     string
	Signature        string
}

// Presign signs r with V4 query signing (OSS4-HMAC-SHA256) at time at
// (converted to UTC) for region (a standard region id such as
// "cn-hangzhou"), following the algorithm of Alibaba's SDKs (ali-oss
// signatureUrlV4, alibabacloud-oss-go-sdk-v2 SignerV4.authQuery):
//
//	CanonicalRequest = Method \n /bucket/key (escaped) \n sorted query \n
//	                   signed headers (name:value\n each) \n additional header names \n UNSIGNED-PAYLOAD
//	StringToSign     = OSS4-HMAC-SHA256 \n x-oss-date \n scope \n hex(SHA-256(CanonicalRequest))
//	Signature        = hex(HMAC(SigningKey, StringToSign))
//
// Presign never modifies r. Invalid input yields an error wrapping
// ErrCredentials, ErrRegion, ErrTime, ErrBucket, ErrKey or ErrRequest.
func Presign(c Credentials, r PresignRequest, region string, at time.Time) (Presigned, error) {
	at = at.UTC()
	headers, additional, err := validatePresign(c, r, region, at)
	if err != nil {
		return Presigned{}, err
	}
	date := at.Format(DateLayout)
	day := date[:len(DayLayout)]
	query := make(map[string]string, len(r.Query)+6)
	for k, v := range r.Query {
		query[k] = v
	}
	query["x-oss-signature-version"] = Algorithm
	query["x-oss-credential"] = Credential(c.AccessKeyID, day, region)
	query["x-oss-date"] = date
	query["x-oss-expires"] = strconv.FormatInt(int64(r.Expires/time.Second), 10)
	if len(additional) > 0 {
		query["x-oss-additional-headers"] = strings.Join(additional, ";")
	}
	if c.SecurityToken != "" {
		query["x-oss-security-token"] = c.SecurityToken
	}
	canonicalQuery := encodeQuery(query)
	canonical := canonicalRequest(r.Method, r.Bucket, r.Key, canonicalQuery, headers, additional)
	sum := sha256.Sum256([]byte(canonical))
	sts := Algorithm + "\n" + date + "\n" + Scope(day, region) + "\n" + hex.EncodeToString(sum[:])
	sig := Signature(SigningKey(c.AccessKeySecret, day, region), []byte(sts))
	return Presigned{
		Query:            canonicalQuery + "&x-oss-signature=" + sig,
		Expires:          at.Add(r.Expires),
		CanonicalRequest: canonical,
		StringToSign:     sts,
		Signature:        sig,
	}, nil
}

// canonicalRequest returns the V4 canonical request of a request:
// canonicalQuery is its query as encodeQuery writes it, headers its signed
// headers with lower-case names, additional the sorted lower-case names
// listed in x-oss-additional-headers. It does not validate its arguments.
func canonicalRequest(method, bucket, key, canonicalQuery string, headers map[string]string, additional []string) string {
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	uri := "/"
	if bucket != "" {
		uri += bucket + "/"
	}
	b.WriteString(escapePath(uri + key))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery)
	b.WriteByte('\n')
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(headers[name]))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(additional, ";"))
	b.WriteByte('\n')
	b.WriteString(unsignedPayload)
	return b.String()
}

// encodeQuery returns query with each name and value escaped to RFC 3986
// unreserved characters, sorted by escaped name ("a=b&c=d"); an empty value
// is written as the name alone. The Go v2 SDK sorts by escaped name;
// ali-oss sorts unescaped names with localeCompare, which differs only for
// names holding characters such as '+' or '|' that no OSS parameter has.
func encodeQuery(query map[string]string) string {
	type param struct{ name, value string }
	params := make([]param, 0, len(query))
	for k, v := range query {
		params = append(params, param{escapeQuery(k), escapeQuery(v)})
	}
	sort.Slice(params, func(i, j int) bool { return params[i].name < params[j].name })
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.value != "" {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// escapeQuery percent-encodes every byte of s but A-Z a-z 0-9 - _ . ~.
func escapeQuery(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// escapePath percent-encodes every byte of p but A-Z a-z 0-9 - _ . ~ and /.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// presignReserved lists the query parameters Presign sets itself.
var presignReserved = []string{"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-expires",
	"x-oss-signature", "x-oss-additional-headers", "x-oss-security-token"}

// validatePresign checks r and returns its signed headers with lower-case
// names and its additional header names, lower-case, sorted, without
// duplicates or headers signed anyway.
func validatePresign(c Credentials, r PresignRequest, region string, at time.Time) (map[string]string, []string, error) {
	if err := validateSigning(c, region, at); err != nil {
		return nil, nil, err
	}
	if !ValidBucket(r.Bucket) {
		return nil, nil, fmt.Errorf("%w: %q", ErrBucket, r.Bucket)
	}
	if r.Key != "" {
		if err := validateKey(r.Key); err != nil {
			return nil, nil, err
		}
	}
	if !validMethod(r.Method) {
		return nil, nil, fmt.Errorf("%w: method %q (want an upper-case HTTP method)", ErrRequest, r.Method)
	}
	if r.Expires < time.Second || r.Expires > MaxPresignExpiry || r.Expires%time.Second != 0 {
		return nil, nil, fmt.Errorf("%w: expires %v (want whole seconds from 1s to %v)", ErrRequest, r.Expires, MaxPresignExpiry)
	}
	for k, v := range r.Query {
		if k == "" || !printable(k) || !printable(v) {
			return nil, nil, fmt.Errorf("%w: query parameter %q", ErrRequest, k)
		}
		for _, res := range presignReserved {
			if strings.EqualFold(k, res) {
				return nil, nil, fmt.Errorf("%w: query parameter %q is set by Presign", ErrRequest, k)
			}
		}
	}
	headers := make(map[string]string, len(r.Headers))
	for k, v := range r.Headers {
		name := strings.ToLower(k)
		if !validHeaderName(name) || !printable(v) {
			return nil, nil, fmt.Errorf("%w: header %q", ErrRequest, k)
		}
		if _, dup := headers[name]; dup {
			return nil, nil, fmt.Errorf("%w: header %q given twice", ErrRequest, k)
		}
		headers[name] = v
	}
	var additional []string
	seen := map[string]bool{}
	for _, h := range r.AdditionalHeaders {
		name := strings.ToLower(h)
		if signedAnyway(name) || seen[name] {
			continue
		}
		if _, ok := headers[name]; !ok {
			return nil, nil, fmt.Errorf("%w: additional header %q is not among the headers", ErrRequest, h)
		}
		seen[name] = true
		additional = append(additional, name)
	}
	sort.Strings(additional)
	for name := range headers {
		if !signedAnyway(name) && !seen[name] {
			return nil, nil, fmt.Errorf("%w: header %q is neither signed by OSS nor named in AdditionalHeaders", ErrRequest, name)
		}
	}
	return headers, additional, nil
}

// signedAnyway reports whether OSS signs the header named name (lower
// case) whenever a request carries it.
func signedAnyway(name string) bool {
	return name == "content-type" || name == "content-md5" || strings.HasPrefix(name, "x-oss-")
}

// validMethod reports whether m is an upper-case HTTP method token.
func validMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// validHeaderName reports whether name is a lower-case HTTP header name.
func validHeaderName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(isLower(c) || isDigit(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
