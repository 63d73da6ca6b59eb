// Package config loads and validates ossgate's configuration from the
// environment, once at start. Every variable any function reads is listed by
// Vars; a misconfiguration is reported as one error naming every problem.
//
// It is the one place that reads the environment, applies defaults and
// checks rules: the function's packages take their part of a loaded Config
// as it is. It is public, unlike the rest of function/, because it is also
// the contract the deploy checker (deploy/check.go, run by make deploy) and
// the deploy tests validate s.yaml against.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/signer"
)

// Function names a role of the ossgate binary; it selects which variables are
// required.
type Function string

// The functions.
const (
	Sign   Function = "sign"
	Record Function = "record"
	Sweep  Function = "sweep"
)

// Config is the validated configuration of one function. Every default is
// applied and every rule checked here; the packages that take a part of it
// use it as it is.
type Config struct {
	LogLevel slog.Level
	OSS      OSS
	Prefixes Prefixes
	Profiles map[string]Profile
	// Auth and CORSOrigins are the sign function's.
	Auth Auth
	// CORSOrigins is the browser origin allowlist; "*" allows any origin.
	CORSOrigins []string
	// QuarantineMode is the record function's, and the sign function's,
	// which records uploads OSS calls it back about.
	QuarantineMode QuarantineMode
	// Callback is the sign function's: OSS's upload callback.
	Callback Callback
	// RecordsDB is where the sign and record functions keep records; zero:
	// in the bucket.
	RecordsDB RecordsDB
	// SweepAge is how long a multipart upload can be completed: the sweep
	// function aborts the uploads under the upload prefix initiated longer
	// ago than this, and the sign function counts an upload against its
	// user's quota for as long (the sign and sweep functions of a
	// deployment must read the same value).
	SweepAge time.Duration
	// ModerationEndpoint is Content Moderation's scheme://host (record and
	// sweep functions; used by the profiles whose provider is aliyun).
	ModerationEndpoint string
	// Webhook is the app's webhooks (every function).
	Webhook Webhook
	// WeChat is the wechat moderation provider's (wechat.go).
	WeChat WeChat
}

// OSS says where the bucket is and how it is reached.
type OSS struct {
	Bucket string // a valid bucket name (signer.ValidBucket)
	Region string // a region id like cn-hangzhou (signer.ValidRegion)
	// Endpoint is the public endpoint (scheme://host); UploadURL is where
	// clients post forms, signer.BucketURL of it. Sign function only.
	Endpoint  string
	UploadURL string
	// PublicBaseURL is the base of objectUrl, without a trailing slash;
	// UploadURL unless configured. Sign function only.
	PublicBaseURL string
	// InternalEndpoint (scheme://host) is where SDK calls go.
	InternalEndpoint string
}

// Prefixes are the key prefixes of the objects ossgate names, without
// leading or trailing slash; none contains another.
type Prefixes struct {
	Upload     string // where tickets put uploads; the record trigger watches it
	Records    string // where the OSS record store writes
	Quarantine string // where quarantined uploads are moved
}

// Auth configures caller authentication of the sign function. At least one
// of Secret and JWKSURL is set unless AllowAnonymous.
type Auth struct {
	Secret         []byte // HS256 key; at least MinSecretLen bytes when set
	JWKSURL        string // RS256/ES256 keys
	Issuer         string // required iss when set
	Audience       string // required aud when set; both are set whenever JWKSURL is
	AllowAnonymous bool   // a caller without a token signs as "anonymous"
	// MaxTTL is the longest lifetime (exp - iat) a token may have.
	MaxTTL time.Duration
}

// MinSecretLen is the shortest HS256 secret accepted, in bytes.
const MinSecretLen = 32

// QuarantineMode is what the record function does to an upload that breaks
// its profile or its declared type.
type QuarantineMode string

// The quarantine modes.
const (
	QuarantineMove QuarantineMode = "move" // copy under Prefixes.Quarantine, then delete the original
	QuarantineTag  QuarantineMode = "tag"  // tag the object ossgate-status=quarantined
)

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
	VarJWTMaxTTL        = "OSSGATE_JWT_MAX_TTL"
	VarSweepAge         = "OSSGATE_SWEEP_AGE"
)

// Vars returns the name of every environment variable ossgate reads, in a
// fixed order. The deploy test compares it with s.yaml.
func Vars() []string {
	return []string{VarFunction, VarLogLevel, VarBucket, VarRegion, VarEndpoint, VarInternalEndpoint,
		VarPublicBaseURL, VarUploadPrefix, VarRecordsPrefix, VarQuarantinePrefix, VarQuarantineMode,
		VarProfiles, VarJWTSecret, VarJWKSURL, VarJWTIssuer, VarJWTAudience, VarAllowAnonymous, VarCORSOrigins,
		VarJWTMaxTTL, VarRecordsDSN, VarSweepAge, VarCallbackURL, VarCallbackKeyHost, VarModeration, VarModerationEndpoint,
		VarWebhookURL, VarWebhookSecret, VarModerationWebhookURL, VarWeChatAppID, VarWeChatAppSecret, VarWeChatToken,
		VarWeChatAESKey, VarWeChatAPI, VarWeChatCheckNames, VarWeChatOpenIDClaim}
}

// Empty is the binary's no-op HTTP function, the benchmarks' baseline; it
// reads no configuration.
const Empty Function = "empty"

// Role returns the function the binary runs as: its first argument, else
// the environment's OSSGATE_FUNCTION.
func Role(args []string) Function {
	if len(args) > 0 {
		return Function(args[0])
	}
	return Function(os.Getenv(VarFunction))
}

// Load reads the configuration of fn through getenv and validates it. The
// error, if any, starts with "config: " and lists every problem found.
func Load(fn Function, getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := l.common()
	if fn == Sign {
		l.sign(&c)
		l.wechat(fn, &c)
	} else if fn == Record {
		l.record(&c)
		l.wechat(fn, &c)
	} else if fn == Sweep {
		l.sweep(&c)
		l.wechat(fn, &c)
	} else {
		l.fail("unknown function %q: want %s, %s, %s or %s (the first argument, or %s)", fn, Sign, Record, Sweep, Empty, VarFunction)
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
	c.OSS.Bucket = l.get(VarBucket, "")
	if !signer.ValidBucket(c.OSS.Bucket) {
		l.fail("%s: required, 3-63 lower-case letters, digits and hyphens, got %q", VarBucket, c.OSS.Bucket)
	}
	c.OSS.Region = l.get(VarRegion, "")
	if !signer.ValidRegion(c.OSS.Region) {
		l.fail("%s: required, like cn-hangzhou (without \"oss-\"), got %q", VarRegion, c.OSS.Region)
	}
	c.OSS.InternalEndpoint = l.endpoint(VarInternalEndpoint, "https://oss-"+c.OSS.Region+"-internal.aliyuncs.com")
	c.Prefixes = Prefixes{
		Upload:     l.prefix(VarUploadPrefix, "uploads"),
		Records:    l.prefix(VarRecordsPrefix, "records"),
		Quarantine: l.prefix(VarQuarantinePrefix, "quarantine"),
	}
	l.disjoint(c.Prefixes)
	c.Profiles = l.profiles()
	l.moderationDefault(c.Profiles)
	l.webhook(&c)
	return c
}

func (l *loader) sign(c *Config) {
	c.RecordsDB = l.recordsDB()
	o := &c.OSS
	o.Endpoint = l.endpoint(VarEndpoint, "https://oss-"+o.Region+".aliyuncs.com")
	if o.Endpoint != "" && signer.ValidBucket(o.Bucket) {
		o.UploadURL = signer.BucketURL(o.Endpoint, o.Bucket)
	}
	o.PublicBaseURL = strings.TrimRight(l.get(VarPublicBaseURL, o.UploadURL), "/")
	if o.PublicBaseURL != o.UploadURL && l.absURL(VarPublicBaseURL, o.PublicBaseURL) == "" {
		o.PublicBaseURL = ""
	}
	c.Auth = l.auth()
	c.CORSOrigins = l.origins()
	l.sweepAge(c)
	l.quarantineMode(c)
	l.callback(c)
}

func (l *loader) record(c *Config) {
	c.RecordsDB = l.recordsDB()
	l.quarantineMode(c)
}

func (l *loader) quarantineMode(c *Config) {
	c.QuarantineMode = QuarantineMode(l.get(VarQuarantineMode, string(QuarantineMove)))
	if c.QuarantineMode != QuarantineMove && c.QuarantineMode != QuarantineTag {
		l.fail("%s: want move or tag, got %q", VarQuarantineMode, c.QuarantineMode)
	}
	l.moderationEndpoint(c)
}

func (l *loader) auth() Auth {
	a := Auth{Secret: []byte(l.getenv(VarJWTSecret)), Issuer: l.get(VarJWTIssuer, ""), Audience: l.get(VarJWTAudience, "")}
	if n := len(a.Secret); n > 0 && n < MinSecretLen {
		l.fail("%s: must be at least %d bytes, got %d", VarJWTSecret, MinSecretLen, n)
	}
	if u := l.get(VarJWKSURL, ""); u != "" {
		a.JWKSURL = l.absURL(VarJWKSURL, u)
	}
	l.jwt(&a)
	anon, err := strconv.ParseBool(l.get(VarAllowAnonymous, "false"))
	if err != nil {
		l.fail("%s: want true or false, got %q", VarAllowAnonymous, l.get(VarAllowAnonymous, ""))
	}
	a.AllowAnonymous = anon
	if err == nil && !anon && len(a.Secret) == 0 && a.JWKSURL == "" {
		l.fail("no caller authentication: set %s or %s (or %s=true to sign for anyone)", VarJWTSecret, VarJWKSURL, VarAllowAnonymous)
	}
	return a
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
