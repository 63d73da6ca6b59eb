package ossemu

import (
	"net/http"
	"slices"
)

// corsMethods are the methods a preflight allows.
const corsMethods = "GET, POST, PUT, DELETE, HEAD"

// cors adds the CORS headers for an allowed Origin and answers preflight
// requests. It reports whether it answered the request. A preflight from an
// origin not in Config.CORSOrigins is 403 AccessDenied, as OSS answers when
// no CORS rule matches.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	allowed := origin != "" && (slices.Contains(s.cfg.CORSOrigins, "*") || slices.Contains(s.cfg.CORSOrigins, origin))
	preflight := r.Method == http.MethodOptions
	if !allowed {
		if preflight {
			writeError(w, r, errAccessDenied("", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."))
		}
		return preflight
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "ETag, x-oss-request-id")
	if !preflight {
		return false
	}
	h.Set("Access-Control-Allow-Methods", corsMethods)
	if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
		h.Set("Access-Control-Allow-Headers", rh)
	}
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusOK)
	return true
}
