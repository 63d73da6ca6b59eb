package config

import (
	"net"
	"net/url"
	"strings"
	"time"
)

// Token lifetime bounds: OSSGATE_JWT_MAX_TTL, the longest exp - iat a
// caller's token may span.
const (
	DefaultJWTMaxTTL = 24 * time.Hour
	minJWTMaxTTL     = time.Minute
	maxJWTMaxTTL     = 30 * 24 * time.Hour
)

// jwt reads the token rules beside the keys: a JWKS URL that is https (or
// http on a loopback host), the issuer and audience that JWKS mode requires,
// and the longest token lifetime.
func (l *loader) jwt(a *Auth) {
	if a.JWKSURL != "" {
		if !fetchableJWKS(a.JWKSURL) {
			l.fail("%s: want an https URL (http only on a loopback host such as 127.0.0.1), got %q", VarJWKSURL, a.JWKSURL)
		}
		if a.Issuer == "" || a.Audience == "" {
			l.fail("%s needs %s and %s: keys from a key set verify tokens minted for other apps too, so iss and aud must be pinned",
				VarJWKSURL, VarJWTIssuer, VarJWTAudience)
		}
	}
	a.MaxTTL = DefaultJWTMaxTTL
	if v := l.get(VarJWTMaxTTL, ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minJWTMaxTTL || d > maxJWTMaxTTL {
			l.fail("%s: want a duration from %s to %s, got %q", VarJWTMaxTTL, minJWTMaxTTL, maxJWTMaxTTL, v)
		}
		a.MaxTTL = d
	}
}

// fetchableJWKS reports whether the key set at u may be fetched: https, or
// http when the host is a loopback address or "localhost".
func fetchableJWKS(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Hostname() == "" {
		return false
	}
	switch p.Scheme {
	case "https":
		return true
	case "http":
		return loopbackHost(p.Hostname())
	}
	return false
}

// loopbackHost reports whether host (without port or brackets) is
// "localhost" or a literal loopback address (127.0.0.0/8, ::1).
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
