package config

import (
	"fmt"
	"slices"
	"time"
)

// The moderation providers a profile may use (Moderation.Provider).
const (
	ModerationOff     = "off"
	ModerationAliyun  = "aliyun"  // Content Moderation ImageModeration (2022-03-02)
	ModerationWeChat  = "wechat"  // WeChat security.mediaCheckAsync v2
	ModerationWebhook = "webhook" // the app's own service decides
)

// What the maintenance function does with a record whose verdict has not
// come within Moderation.Timeout (Moderation.OnTimeout).
const (
	OnTimeoutReject  = "reject"
	OnTimeoutAccept  = "accept"
	OnTimeoutPending = "pending" // left for an operator
)

// Moderation defaults.
const (
	DefaultModerationTimeout = 30 * time.Minute // WeChat pushes its verdict within 30 minutes
	MaxModerationTimeout     = 7 * 24 * time.Hour
	DefaultAliyunService     = "baselineCheck"
	DefaultRejectLevel       = "high"
)

// Moderation variables: the provider of the profiles that name none, and
// the Content Moderation endpoint (record and sweep functions).
const (
	VarModeration         = "OSSGATE_MODERATION"
	VarModerationEndpoint = "OSSGATE_MODERATION_ENDPOINT"
)

// moderationEndpoint reads OSSGATE_MODERATION_ENDPOINT, the scheme://host
// of Content Moderation; default the public endpoint of the region,
// https://green-cip.{region}.aliyuncs.com (the service is in cn-shanghai,
// cn-beijing, cn-hangzhou, cn-shenzhen and ap-southeast-1; elsewhere name
// one of them, or its green-cip-vpc endpoint from a VPC).
func (l *loader) moderationEndpoint(c *Config) {
	c.ModerationEndpoint = l.endpoint(VarModerationEndpoint, "https://green-cip."+c.OSS.Region+".aliyuncs.com")
}

// Moderation is a profile's content moderation: with a Provider other
// than ModerationOff, a record whose bytes pass the type check is pending
// until the provider's verdict (or the timeout rule) makes it ok or
// rejected.
type Moderation struct {
	// Provider is one of the Moderation* constants; a profile that names
	// none gets OSSGATE_MODERATION's (default off; "" is off too).
	Provider string
	// Service is the Content Moderation service (aliyun), e.g.
	// baselineCheck.
	Service string
	// RejectLevel is the lowest risk level Content Moderation answers
	// (aliyun) that rejects: high, medium or low.
	RejectLevel string
	// Timeout is how long after its upload a record may wait for its
	// verdict before the maintenance function applies OnTimeout.
	Timeout   time.Duration
	OnTimeout string
}

// On reports whether m moderates.
func (m Moderation) On() bool { return m.Provider != "" && m.Provider != ModerationOff }

// moderationJSON is the configuration form of a Moderation; timeout is a
// Go duration string.
type moderationJSON struct {
	Provider    string `json:"provider"`
	Service     string `json:"service"`
	RejectLevel string `json:"rejectLevel"`
	Timeout     string `json:"timeout"`
	OnTimeout   string `json:"onTimeout"`
}

var (
	providers   = []string{ModerationOff, ModerationAliyun, ModerationWeChat, ModerationWebhook}
	onTimeouts  = []string{OnTimeoutReject, OnTimeoutAccept, OnTimeoutPending}
	riskLevels  = []string{"high", "medium", "low"}
	serviceName = func(s string) bool { return len(s) > 0 && len(s) <= 64 && ValidProfileName(s[:1]) && isWord(s) }
)

// isWord reports whether s holds only ASCII letters, digits and '_'.
func isWord(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// buildModeration applies defaults to mj and reports its problems to bad.
// Provider "" stays "" (the default provider, filled in by the loader).
// Absent (mj nil), it is the zero Moderation.
func buildModeration(mj *moderationJSON, bad func(string, ...any)) Moderation {
	m := defaultModeration("")
	if mj == nil {
		return Moderation{}
	}
	m.Provider = mj.Provider
	if m.Provider != "" && !slices.Contains(providers, m.Provider) {
		bad("moderation.provider must be one of %v, got %q", providers, m.Provider)
	}
	if mj.Service != "" {
		m.Service = mj.Service
	}
	if !serviceName(m.Service) {
		bad("moderation.service must be a Content Moderation service name like %s, got %q", DefaultAliyunService, m.Service)
	}
	if mj.RejectLevel != "" {
		m.RejectLevel = mj.RejectLevel
	}
	if !slices.Contains(riskLevels, m.RejectLevel) {
		bad("moderation.rejectLevel must be one of %v, got %q", riskLevels, m.RejectLevel)
	}
	if mj.Timeout != "" {
		d, err := time.ParseDuration(mj.Timeout)
		if err != nil || d < time.Second || d > MaxModerationTimeout {
			bad("moderation.timeout must be a duration between 1s and %s, got %q", MaxModerationTimeout, mj.Timeout)
		}
		m.Timeout = d
	}
	if mj.OnTimeout != "" {
		m.OnTimeout = mj.OnTimeout
	}
	if !slices.Contains(onTimeouts, m.OnTimeout) {
		bad("moderation.onTimeout must be one of %v, got %q", onTimeouts, m.OnTimeout)
	}
	return m
}

// defaultModeration is the moderation of a profile that configures only
// its provider.
func defaultModeration(provider string) Moderation {
	return Moderation{Provider: provider, Service: DefaultAliyunService, RejectLevel: DefaultRejectLevel,
		Timeout: DefaultModerationTimeout, OnTimeout: OnTimeoutReject}
}

// moderationDefault reads OSSGATE_MODERATION and gives it to every profile
// that names no provider (one without a moderation object gets the
// defaults).
func (l *loader) moderationDefault(profiles map[string]Profile) {
	def := l.get(VarModeration, ModerationOff)
	if !slices.Contains(providers, def) {
		l.fail("%s: want one of %v, got %q", VarModeration, providers, def)
		return
	}
	if def == ModerationOff {
		return // "" is off
	}
	for name, p := range profiles {
		if p.Moderation == (Moderation{}) {
			p.Moderation = defaultModeration(def)
			profiles[name] = p
		} else if p.Moderation.Provider == "" {
			p.Moderation.Provider = def
			profiles[name] = p
		}
	}
}

// Moderates reports whether any profile of c moderates with provider.
func (c Config) Moderates(provider string) bool {
	for _, p := range c.Profiles {
		if p.Moderation.Provider == provider {
			return true
		}
	}
	return false
}

// String describes m for logs.
func (m Moderation) String() string {
	if !m.On() {
		return ModerationOff
	}
	return fmt.Sprintf("%s (timeout %s, then %s)", m.Provider, m.Timeout, m.OnTimeout)
}
