package config

import (
	"net/url"
	"strings"

	"github.com/ossgate/ossgate/signer"
)

// endpoint reads an OSS endpoint (see signer.ParseEndpoint).
func (l *loader) endpoint(name, def string) string {
	v, err := signer.ParseEndpoint(l.get(name, def))
	if err != nil {
		l.fail("%s: %w", name, err)
	}
	return v
}

// absURL validates an absolute http(s) URL and returns it, or "" after
// recording a problem.
func (l *loader) absURL(name, v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail("%s: want an absolute http(s) URL, got %q", name, v)
		return ""
	}
	return v
}

// prefix reads a key prefix: slash-separated segments of letters, digits,
// '.', '_' and '-', without leading or trailing slash.
func (l *loader) prefix(name, def string) string {
	v := l.get(name, def)
	if !validPrefix(v) || strings.Contains("/"+v+"/", "/../") || strings.Contains("/"+v+"/", "/./") {
		l.fail("%s: want segments of letters, digits, '.', '_', '-' separated by '/', got %q", name, v)
	}
	return v
}

// validPrefix reports whether v matches ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$
// (checked by hand: a regexp compiled at start costs every function's cold
// start).
func validPrefix(v string) bool {
	for _, seg := range strings.Split(v, "/") {
		if seg == "" || strings.IndexFunc(seg, func(r rune) bool { return !nameByte(r) && r != '.' && !isUpper(r) }) >= 0 {
			return false
		}
	}
	return true
}

// nameByte reports whether r is one of [a-z0-9_-].
func nameByte(r rune) bool {
	return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' || r == '-'
}

func isUpper(r rune) bool { return 'A' <= r && r <= 'Z' }

// disjoint records a problem when one of the prefixes contains another: the
// record function's trigger watches the upload prefix and must never fire on
// what it writes itself.
func (l *loader) disjoint(p Prefixes) {
	names := []string{VarUploadPrefix, VarRecordsPrefix, VarQuarantinePrefix}
	vals := []string{p.Upload, p.Records, p.Quarantine}
	for i := range vals {
		for j := range vals {
			if i != j && (vals[i] == vals[j] || strings.HasPrefix(vals[j], vals[i]+"/")) && (i < j || vals[i] != vals[j]) {
				l.fail("%s %q and %s %q overlap; the prefixes must be disjoint", names[i], vals[i], names[j], vals[j])
			}
		}
	}
}

// origins reads the CORS allowlist: comma-separated scheme://host[:port]
// origins, or "*".
func (l *loader) origins() []string {
	var out []string
	for _, o := range strings.Split(l.get(VarCORSOrigins, ""), ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || o != u.Scheme+"://"+u.Host {
				l.fail("%s: want origins like https://app.example.com, got %q", VarCORSOrigins, o)
				continue
			}
		}
		out = append(out, o)
	}
	return out
}
