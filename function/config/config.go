// Package config loads and validates ossgate's configuration from the
// environment, once at start. Every variable any function reads is listed by
// Vars; a misconfiguration is reported as one error naming every problem.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
)

// Function names a role of the ossgate binary; it selects which variables are
// required.
type Function string

// The functions.
const (
	Sign   Function = "sign"
	Record Function = "record"
)

// Config is the validated configuration of one function.
type Config struct {
	LogLevel slog.Level
	Bucket   string
	Region   string
	// Endpoint is the public OSS endpoint (scheme and host); UploadURL is
	// where clients post forms, derived from it (virtual-host style for a
	// domain, path-style for an IP address or localhost).
	Endpoint  string
	UploadURL string
	// InternalEndpoint is where SDK calls go.
	InternalEndpoint string
	// PublicBaseURL is the base of objectUrl, without a trailing slash.
	PublicBaseURL    string
	UploadPrefix     string
	RecordsPrefix    string
	QuarantinePrefix string
	QuarantineMode   string // "move" or "tag"
	Profiles         map[string]Profile
	JWT              JWT
	AllowAnonymous   bool
	// CORSOrigins is the browser origin allowlist; "*" allows any origin.
	CORSOrigins []string
}

// JWT configures caller authentication of the sign function.
type JWT struct {
	Secret   []byte // HS256; at least 32 bytes when set
	JWKSURL  string // RS256/ES256 keys
	Issuer   string // checked when set
	Audience string // checked when set
}

// Variable names.
const (
	VarFunction         = "OSSGATE_FUNCTION"
	VarLogLevel         = "OSSGATE_LOG_LEVEL"
	VarBucket           = "OSSGATE_BUCKET"
	VarRegion           = "OSSGATE_REGION"
	VarEndpoint         = "OSSGATE_ENDPOINT"
	VarInternalEndpoint = "OSSGATE_INTERNAL_ENDPOINT"
	VarPublicBaseURL    = "OSSGATE_PUBLIC_BASE_URL"
	VarUploadPrefix     = "OSSGATE_UPLOAD_PREFIX"
	VarRecordsPrefix    = "OSSGATE_RECORDS_PREFIX"
	VarQuarantinePrefix = "OSSGATE_QUARANTINE_PREFIX"
	VarQuarantineMode   = "OSSGATE_QUARANTINE_MODE"
	VarProfiles         = "OSSGATE_PROFILES"
	VarJWTSecret        = "OSSGATE_JWT_SECRET"
	VarJWKSURL          = "OSSGATE_JWT_JWKS_URL"
	VarJWTIssuer        = "OSSGATE_JWT_ISSUER"
	VarJWTAudience      = "OSSGATE_JWT_AUDIENCE"
	VarAllowAnonymous   = "OSSGATE_ALLOW_ANONYMOUS"
	VarCORSOrigins      = "OSSGATE_CORS_ORIGINS"
)

// Vars returns the name of every environment variable ossgate reads, in a
// fixed order. The deploy test compares it with s.yaml.
func Vars() []string {
	return []string{VarFunction, VarLogLevel, VarBucket, VarRegion, VarEndpoint, VarInternalEndpoint,
		VarPublicBaseURL, VarUploadPrefix, VarRecordsPrefix, VarQuarantinePrefix, VarQuarantineMode,
		VarProfiles, VarJWTSecret, VarJWKSURL, VarJWTIssuer, VarJWTAudience, VarAllowAnonymous, VarCORSOrigins}
}

// FromEnv loads the configuration of fn from the process environment.
func FromEnv(fn Function) (Config, error) { return Load(fn, os.Getenv) }

// Load reads the configuration of fn through getenv and validates it. The
// error, if any, starts with "config: " and lists every problem found.
func Load(fn Function, getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := l.common()
	if fn == Sign {
		l.sign(&c)
	} else if fn == Record {
		l.record(&c)
	} else {
		l.fail("unknown function %q", fn)
	}
	if len(l.problems) > 0 {
		return Config{}, &Error{Problems: l.problems}
	}
	return c, nil
}

// Error is a configuration error: every problem found, each naming its
// variable. Its message is one line.
type Error struct {
	Problems []error
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return "config: invalid configuration: " + strings.Join(msgs, "; ")
}

// Unwrap returns the problems.
func (e *Error) Unwrap() []error { return e.Problems }

// loader collects problems while reading variables.
type loader struct {
	getenv   func(string) string
	problems []error
}

func (l *loader) fail(format string, a ...any) {
	l.problems = append(l.problems, fmt.Errorf(format, a...))
}

// get returns the trimmed value of name, or def when it is empty.
func (l *loader) get(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *loader) common() Config {
	var c Config
	if err := c.LogLevel.UnmarshalText([]byte(l.get(VarLogLevel, "info"))); err != nil {
		l.fail("%s: want debug, info, warn or error, got %q", VarLogLevel, l.get(VarLogLevel, ""))
	}
	c.Bucket = l.get(VarBucket, "")
	if !validBucket(c.Bucket) {
		l.fail("%s: required, 3-63 lower-case letters, digits and hyphens, got %q", VarBucket, c.Bucket)
	}
	c.Region = l.get(VarRegion, "")
	if !validRegion(c.Region) {
		l.fail("%s: required, like cn-hangzhou (without \"oss-\"), got %q", VarRegion, c.Region)
	}
	c.InternalEndpoint = l.endpoint(VarInternalEndpoint, "https://oss-"+c.Region+"-internal.aliyuncs.com")
	c.UploadPrefix = l.prefix(VarUploadPrefix, "uploads")
	c.RecordsPrefix = l.prefix(VarRecordsPrefix, "records")
	c.QuarantinePrefix = l.prefix(VarQuarantinePrefix, "quarantine")
	l.disjoint(c.UploadPrefix, c.RecordsPrefix, c.QuarantinePrefix)
	c.Profiles = l.profiles()
	return c
}

func (l *loader) sign(c *Config) {
	c.Endpoint = l.endpoint(VarEndpoint, "https://oss-"+c.Region+".aliyuncs.com")
	if c.Endpoint != "" && validBucket(c.Bucket) {
		c.UploadURL = UploadURL(c.Endpoint, c.Bucket)
	}
	c.PublicBaseURL = strings.TrimRight(l.get(VarPublicBaseURL, c.UploadURL), "/")
	if c.PublicBaseURL != c.UploadURL && l.absURL(VarPublicBaseURL, c.PublicBaseURL) == "" {
		c.PublicBaseURL = ""
	}
	c.JWT = l.jwt()
	anon, err := strconv.ParseBool(l.get(VarAllowAnonymous, "false"))
	if err != nil {
		l.fail("%s: want true or false, got %q", VarAllowAnonymous, l.get(VarAllowAnonymous, ""))
	}
	c.AllowAnonymous = anon
	if err == nil && !anon && len(c.JWT.Secret) == 0 && c.JWT.JWKSURL == "" {
		l.fail("no caller authentication: set %s or %s (or %s=true to sign for anyone)", VarJWTSecret, VarJWKSURL, VarAllowAnonymous)
	}
	c.CORSOrigins = l.origins()
}

func (l *loader) record(c *Config) {
	c.QuarantineMode = l.get(VarQuarantineMode, "move")
	if c.QuarantineMode != "move" && c.QuarantineMode != "tag" {
		l.fail("%s: want move or tag, got %q", VarQuarantineMode, c.QuarantineMode)
	}
}

func (l *loader) jwt() JWT {
	j := JWT{Secret: []byte(l.getenv(VarJWTSecret)), Issuer: l.get(VarJWTIssuer, ""), Audience: l.get(VarJWTAudience, "")}
	if n := len(j.Secret); n > 0 && n < 32 {
		l.fail("%s: must be at least 32 bytes, got %d", VarJWTSecret, n)
	}
	if u := l.get(VarJWKSURL, ""); u != "" {
		j.JWKSURL = l.absURL(VarJWKSURL, u)
	}
	return j
}

func (l *loader) profiles() map[string]Profile {
	v := l.get(VarProfiles, "")
	text := []byte(v)
	switch {
	case v == "":
		text = []byte(DefaultProfiles)
	case !strings.HasPrefix(v, "{"):
		b, err := os.ReadFile(v)
		if err != nil {
			l.fail("%s: neither JSON text nor a readable file: %w", VarProfiles, err)
			return nil
		}
		text = b
	}
	p, err := ParseProfiles(text)
	if err != nil {
		l.fail("%s: %w", VarProfiles, err)
	}
	return p
}
