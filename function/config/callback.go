package config

import (
	"net/url"
	"strings"
)

// Variables of the upload callback (sign function).
const (
	// VarCallbackURL is the sign function's public base URL, as OSS
	// reaches it (the custom domain bound to its HTTP trigger); tickets ask
	// OSS to call back its /callback path. Empty: tickets carry no callback.
	VarCallbackURL = "OSSGATE_CALLBACK_URL"
	// VarCallbackKeyHost is one more host (host[:port]) a callback's
	// public-key URL may name besides OSS's own; a loopback host only, for
	// the local OSS endpoint.
	VarCallbackKeyHost = "OSSGATE_CALLBACK_KEY_HOST"
)

// CallbackPath is the sign function's path OSS calls back.
const CallbackPath = "/callback"

// OSSPublicKeyHost is the host OSS's callback public keys are served from
// (OSS's "Callback" page: the x-oss-pub-key-url must start with
// http://gosspublic.alicdn.com/ or https://gosspublic.alicdn.com/).
const OSSPublicKeyHost = "gosspublic.alicdn.com"

// Callback configures OSS's upload callback to the sign function.
type Callback struct {
	// URL is where OSS calls back (the base URL + CallbackPath); "" when
	// no callback is configured.
	URL string
	// KeyHosts are the hosts a callback's public-key URL may name:
	// OSSPublicKeyHost, and the configured loopback host if any.
	KeyHosts []string
}

// On reports whether tickets carry a callback.
func (c Callback) On() bool { return c.URL != "" }

// callback reads the callback variables of the sign function.
func (l *loader) callback(c *Config) {
	c.Callback.KeyHosts = []string{OSSPublicKeyHost}
	if v := l.get(VarCallbackURL, ""); v != "" {
		if base := l.absURL(VarCallbackURL, v); base != "" {
			c.Callback.URL = strings.TrimRight(base, "/") + CallbackPath
		}
	}
	h := l.get(VarCallbackKeyHost, "")
	if h == "" {
		return
	}
	if !loopbackHostPort(h) {
		l.fail("%s: want a loopback host[:port] (127.0.0.1, ::1, localhost; local runs only), got %q", VarCallbackKeyHost, h)
		return
	}
	c.Callback.KeyHosts = append(c.Callback.KeyHosts, h)
}

// loopbackHostPort reports whether hostport (host or host:port) names a
// loopback address.
func loopbackHostPort(hostport string) bool {
	u, err := url.Parse("http://" + hostport)
	if err != nil || u.Host != hostport || u.Path != "" {
		return false
	}
	return loopbackHost(u.Hostname())
}
