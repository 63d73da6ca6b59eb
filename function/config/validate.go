package config

import (
	"net"
	"net/url"
	"regexp"
	"strings"
)

var (
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	regionRE = regexp.MustCompile(`^[a-z]{2,}-[a-z0-9]+(-[a-z0-9]+)*$`)
	prefixRE = regexp.MustCompile(`^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`)
)

func validBucket(b string) bool { return bucketRE.MatchString(b) }

func validRegion(r string) bool { return regionRE.MatchString(r) && !strings.HasPrefix(r, "oss-") }

// UploadURL returns where clients post forms for bucket at endpoint (a
// scheme://host[:port] URL): virtual-host style
// (https://<bucket>.oss-cn-hangzhou.aliyuncs.com) for a domain name,
// path-style (http://127.0.0.1:9000/<bucket>) for an IP address or localhost.
func UploadURL(endpoint, bucket string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if host == "localhost" || net.ParseIP(host) != nil {
		return u.Scheme + "://" + u.Host + "/" + bucket
	}
	return u.Scheme + "://" + bucket + "." + u.Host
}

// endpoint reads an OSS endpoint: an http(s) URL with a host and no path; a
// value without a scheme gets https://.
func (l *loader) endpoint(name, def string) string {
	v := l.get(name, def)
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		l.fail("%s: want an endpoint like https://oss-cn-hangzhou.aliyuncs.com, got %q", name, v)
		return ""
	}
	return u.Scheme + "://" + u.Host
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
	if !prefixRE.MatchString(v) || strings.Contains("/"+v+"/", "/../") || strings.Contains("/"+v+"/", "/./") {
		l.fail("%s: want segments of letters, digits, '.', '_', '-' separated by '/', got %q", name, v)
	}
	return v
}

// disjoint records a problem when one of the prefixes contains another: the
// record function's trigger watches the upload prefix and must never fire on
// what it writes itself.
func (l *loader) disjoint(upload, records, quarantine string) {
	names := []string{VarUploadPrefix, VarRecordsPrefix, VarQuarantinePrefix}
	vals := []string{upload, records, quarantine}
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
