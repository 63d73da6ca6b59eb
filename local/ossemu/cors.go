package ossemu

import (
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// CORS, two sources. A bucket's own rules, set by PutBucketCors (PUT
// /?cors), read by GetBucketCors and removed by DeleteBucketCors (the OSS API
// reference pages of those names), decide as OSS decides: a preflight
// (OPTIONS with Origin and Access-Control-Request-Method) is allowed by the
// first rule whose AllowedOrigin matches the origin, whose AllowedMethod
// holds the method and whose AllowedHeader patterns match every requested
// header (case-insensitive; one "*" wildcard per pattern), else 403
// AccessDenied; a simple request with an Origin gets the matching rule's
// headers. A bucket without rules uses Config.CORSOrigins (what -oss-only
// and the local stack configure for their pages): those origins may use any
// method and header. Rules are kept in memory while the server runs.

// corsMethods are the methods a preflight allows under Config.CORSOrigins.
const corsMethods = "GET, POST, PUT, DELETE, HEAD"

const msgCORSDenied = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

type corsConfiguration struct {
	XMLName      xml.Name   `xml:"CORSConfiguration"`
	Rules        []corsRule `xml:"CORSRule"`
	ResponseVary bool       `xml:"ResponseVary"`
}

type corsRule struct {
	AllowedOrigin []string `xml:"AllowedOrigin"`
	AllowedMethod []string `xml:"AllowedMethod"`
	AllowedHeader []string `xml:"AllowedHeader,omitempty"`
	ExposeHeader  []string `xml:"ExposeHeader,omitempty"`
	MaxAgeSeconds *int     `xml:"MaxAgeSeconds,omitempty"`
}

// corsAnswer is what a matching rule (or the configured origins) answers.
type corsAnswer struct {
	methods, expose string
	maxAge          int // -1: none
}

// cors adds the CORS headers for an allowed Origin and answers preflight
// requests. It reports whether it answered the request.
func (s *Server) cors(w http.ResponseWriter, r *http.Request, bucket string) bool {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions
	method := r.Method
	if preflight {
		method = r.Header.Get("Access-Control-Request-Method")
	}
	var requested []string
	if rh := r.Header.Get("Access-Control-Request-Headers"); preflight && rh != "" {
		for h := range strings.SplitSeq(rh, ",") {
			if h = strings.TrimSpace(h); h != "" {
				requested = append(requested, h)
			}
		}
	}
	ans, allowed := s.corsMatch(bucket, origin, method, requested)
	if !allowed {
		if preflight {
			writeError(w, r, errAccessDenied("", msgCORSDenied))
		}
		return preflight
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if ans.expose != "" {
		h.Set("Access-Control-Expose-Headers", ans.expose)
	}
	if !preflight {
		return false
	}
	h.Set("Access-Control-Allow-Methods", ans.methods)
	if len(requested) > 0 {
		h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
	}
	if ans.maxAge >= 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(ans.maxAge))
	}
	w.WriteHeader(http.StatusOK)
	return true
}

// corsMatch finds what bucket's CORS allows origin to do with method and
// the requested headers.
func (s *Server) corsMatch(bucket, origin, method string, requested []string) (corsAnswer, bool) {
	if origin == "" {
		return corsAnswer{}, false
	}
	s.mu.RLock()
	rules, own := s.corsRules[bucket]
	s.mu.RUnlock()
	if !own {
		ok := slices.Contains(s.cfg.CORSOrigins, "*") || slices.Contains(s.cfg.CORSOrigins, origin)
		return corsAnswer{methods: corsMethods, expose: "ETag, x-oss-request-id", maxAge: 600}, ok
	}
	for _, rule := range rules {
		if method == "" || !slices.ContainsFunc(rule.AllowedOrigin, func(p string) bool { return wildcardMatch(p, origin, false) }) ||
			!slices.Contains(rule.AllowedMethod, method) {
			continue
		}
		headersOK := true
		for _, rh := range requested {
			headersOK = headersOK && slices.ContainsFunc(rule.AllowedHeader, func(p string) bool { return wildcardMatch(p, rh, true) })
		}
		if !headersOK {
			continue
		}
		ans := corsAnswer{methods: strings.Join(rule.AllowedMethod, ", "), expose: strings.Join(rule.ExposeHeader, ", "), maxAge: -1}
		if rule.MaxAgeSeconds != nil {
			ans.maxAge = *rule.MaxAgeSeconds
		}
		return ans, true
	}
	return corsAnswer{}, false
}

// wildcardMatch matches v against a pattern holding at most one "*".
func wildcardMatch(pattern, v string, fold bool) bool {
	if fold {
		pattern, v = strings.ToLower(pattern), strings.ToLower(v)
	}
	before, after, star := strings.Cut(pattern, "*")
	if !star {
		return pattern == v
	}
	return len(v) >= len(before)+len(after) && strings.HasPrefix(v, before) && strings.HasSuffix(v, after)
}

// bucketCORS serves PutBucketCors, GetBucketCors and DeleteBucketCors.
func (s *Server) bucketCORS(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	switch q.r.Method {
	case http.MethodPut:
		var doc corsConfiguration
		if err := xml.NewDecoder(io.LimitReader(q.r.Body, 64<<10)).Decode(&doc); err != nil {
			return errMalformedXML()
		}
		if err := checkCORSRules(doc.Rules); err != nil {
			return err
		}
		s.mu.Lock()
		s.corsRules[q.bucket] = doc.Rules
		s.mu.Unlock()
		q.w.WriteHeader(http.StatusOK)
		return nil
	case http.MethodGet:
		s.mu.RLock()
		rules, ok := s.corsRules[q.bucket]
		s.mu.RUnlock()
		if !ok {
			return errorf(http.StatusNotFound, "NoSuchCORSConfiguration", "", "The CORS Configuration does not exist.")
		}
		return writeXML(q, corsConfiguration{Rules: rules})
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.corsRules, q.bucket)
		s.mu.Unlock()
		q.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

// checkCORSRules applies the PutBucketCors page's limits: 1 to 10 rules,
// each with an origin and a method, methods among GET, PUT, DELETE, POST and
// HEAD, at most one "*" in an origin or header pattern, none in an expose
// header.
func checkCORSRules(rules []corsRule) error {
	if len(rules) == 0 || len(rules) > 10 {
		return errInvalidArgument("A CORS configuration holds 1 to 10 rules.")
	}
	for _, r := range rules {
		if len(r.AllowedOrigin) == 0 || len(r.AllowedMethod) == 0 {
			return errInvalidArgument("A CORS rule needs an AllowedOrigin and an AllowedMethod.")
		}
		for _, m := range r.AllowedMethod {
			if !slices.Contains([]string{"GET", "PUT", "DELETE", "POST", "HEAD"}, m) {
				return errInvalidArgument("Unsupported AllowedMethod %q.", m)
			}
		}
		for _, p := range slices.Concat(r.AllowedOrigin, r.AllowedHeader) {
			if strings.Count(p, "*") > 1 {
				return errInvalidArgument("A CORS pattern may hold one \"*\": %q.", p)
			}
		}
		for _, e := range r.ExposeHeader {
			if strings.Contains(e, "*") {
				return errInvalidArgument("ExposeHeader may hold no \"*\": %q.", e)
			}
		}
	}
	return nil
}
