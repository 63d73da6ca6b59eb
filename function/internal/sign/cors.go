package sign

import (
	"net/http"
	"slices"
)

// CORS answers.
const (
	corsAllowHeaders = "Authorization, Content-Type"
	corsMaxAge       = "600"
)

// cors sets the CORS response headers for an allowed Origin and reports
// whether r is a preflight it answered. A request from an origin outside
// Config.CORSOrigins gets no CORS headers, so the browser blocks it.
func (h *Handler) cors(w http.ResponseWriter, r *http.Request) (preflight bool) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	hd := w.Header()
	hd.Add("Vary", "Origin")
	allowed := h.o.Config.CORSOrigins
	wildcard := slices.Contains(allowed, "*")
	if !wildcard && !slices.Contains(allowed, origin) {
		return false
	}
	if wildcard {
		hd.Set("Access-Control-Allow-Origin", "*")
	} else {
		hd.Set("Access-Control-Allow-Origin", origin)
	}
	hd.Set("Access-Control-Expose-Headers", "X-Request-Id")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	hd.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	hd.Set("Access-Control-Max-Age", corsMaxAge)
	return true
}
