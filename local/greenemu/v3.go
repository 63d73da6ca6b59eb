package greenemu

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Signature V3 (help.aliyun.com "Request syntax and signature method V3",
// the default of the current official SDKs): the request is signed by an
// Authorization header
//
//	ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2;...>,Signature=<hex>
//
// over the canonical request Method "\n" CanonicalURI "\n"
// CanonicalQueryString "\n" CanonicalHeaders "\n" SignedHeaders "\n"
// HashedRequestPayload, as hex(HMAC-SHA256(AccessKeySecret,
// "ACS3-HMAC-SHA256\n" + hex(SHA256(canonical request)))). The action and
// version are the x-acs-action and x-acs-version headers; x-acs-date,
// x-acs-signature-nonce and x-acs-content-sha256 (the payload's hex
// SHA-256) are required; host, content-type and every x-acs- header must
// be signed.

// AlgorithmV3 is the signature algorithm of V3 requests.
const AlgorithmV3 = "ACS3-HMAC-SHA256"

// v3Auth is a parsed Authorization header.
type v3Auth struct {
	credential string
	signed     []string
	signature  string
}

func parseV3(h string) (v3Auth, bool) {
	rest, ok := strings.CutPrefix(h, AlgorithmV3+" ")
	if !ok {
		return v3Auth{}, false
	}
	var a v3Auth
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			a.credential = v
		case "SignedHeaders":
			a.signed = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.credential != "" && len(a.signed) > 0 && a.signature != ""
}

// authenticateV3 checks a V3 request and returns its body.
func (s *Server) authenticateV3(r *http.Request) ([]byte, *apiError) {
	a, ok := parseV3(r.Header.Get("Authorization"))
	if !ok {
		return nil, fail(400, "IncompleteSignature", "the Authorization header is malformed")
	}
	for _, h := range []string{"x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} {
		if r.Header.Get(h) == "" {
			return nil, fail(400, "MissingParameter", "header %s is mandatory", h)
		}
	}
	for _, h := range append([]string{"host"}, signable(r)...) {
		if !slices.Contains(a.signed, h) {
			return nil, fail(400, "IncompleteSignature", "header %s must be signed", h)
		}
	}
	at, err := time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	if err != nil {
		return nil, fail(400, "InvalidTimeStamp.Format", "x-acs-date %q", r.Header.Get("x-acs-date"))
	}
	if d := s.cfg.Now().Sub(at); d > 15*time.Minute || d < -15*time.Minute {
		return nil, fail(400, "InvalidTimeStamp.Expired", "x-acs-date %s is more than 15 minutes off", r.Header.Get("x-acs-date"))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, fail(400, "InvalidParameter", "body: %v", err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != r.Header.Get("x-acs-content-sha256") {
		return nil, fail(400, "ContentSHA256NotMatched", "x-acs-content-sha256 is not the body's")
	}
	secret, token, ok := s.cfg.Credential(a.credential)
	if !ok {
		return nil, fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if got := r.Header.Get("x-acs-security-token"); token != got {
		return nil, fail(400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken mismatch with the AccessKey.")
	}
	sts := StringToSignV3(r, a.signed)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(a.signature)) {
		return nil, fail(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	if err := s.useNonce(r.Header.Get("x-acs-signature-nonce")); err != nil {
		return nil, err
	}
	return body, nil
}

// signable are the headers of r that must be signed: content-type and
// every x-acs- header (host is added by the caller).
func signable(r *http.Request) []string {
	var out []string
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-acs-") || lk == "content-type" {
			out = append(out, lk)
		}
	}
	return out
}

// StringToSignV3 is the V3 string to sign of r with the signed headers.
func StringToSignV3(r *http.Request, signed []string) string {
	hs := slices.Clone(signed)
	sort.Strings(hs)
	var canon strings.Builder
	for _, h := range hs {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		canon.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	uri := r.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	req := r.Method + "\n" + uri + "\n" + canonicalQuery(r.URL.Query()) + "\n" + canon.String() + "\n" +
		strings.Join(hs, ";") + "\n" + r.Header.Get("x-acs-content-sha256")
	sum := sha256.Sum256([]byte(req))
	return AlgorithmV3 + "\n" + hex.EncodeToString(sum[:])
}

// canonicalQuery is the sorted, percent-encoded query of V3.
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, percentEncode(k)+"="+percentEncode(q.Get(k)))
	}
	return strings.Join(pairs, "&")
}

// v3Params returns the request's parameters: the query, the form body, and
// Action and Version from their headers.
func v3Params(r *http.Request, body []byte) (url.Values, *apiError) {
	p := r.URL.Query()
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fail(400, "InvalidParameter", "form body: %v", err)
		}
		for k, vs := range form {
			p[k] = append(p[k], vs...)
		}
	}
	p.Set("Action", r.Header.Get("x-acs-action"))
	p.Set("Version", r.Header.Get("x-acs-version"))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return p, nil
}
