package config

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Profile limits and defaults.
const (
	DefaultExpiry              = 10 * time.Minute
	MaxExpiry                  = time.Hour
	DefaultSuccessActionStatus = 200
	MaxFilesLimit              = 20
	// MaxObjectSize is the largest object one PostObject can create (5 GB).
	MaxObjectSize int64 = 5 << 30
)

// Profile is one upload profile: what a client may upload under its name.
// The keys it signs live under {UPLOAD_PREFIX}/{Name}/.
type Profile struct {
	Name string `json:"-"`
	// Types are the allowed MIME types, lower case, each known to Extension.
	Types []string `json:"types"`
	// MinSize and MaxSize bound the declared size in bytes (inclusive).
	MinSize int64 `json:"minSize"`
	MaxSize int64 `json:"maxSize"`
	// Expiry is how long a ticket stays valid; at most MaxExpiry.
	Expiry time.Duration `json:"-"`
	// SuccessActionStatus is the status OSS answers a successful upload
	// with: 200, 201 or 204.
	SuccessActionStatus int `json:"successActionStatus"`
	// MaxFiles is the largest number of files one request may sign.
	MaxFiles int `json:"maxFiles"`
	// Disposition is the Content-Disposition type every ticket pins,
	// DispositionAttachment or DispositionInline (see contentRules).
	Disposition string `json:"disposition"`
	// RejectPolyglots makes the record function quarantine an image, PDF
	// or text upload whose first bytes also hold HTML or script markup.
	RejectPolyglots bool `json:"rejectPolyglots"`
	// Quota and Rate limit each user of the profile (see quota.go); their
	// zero values limit nothing.
	Quota Quota `json:"quota"`
	Rate  Rate  `json:"rate"`
	// Multipart, when not nil, lets the profile's files go by multipart
	// upload (see Multipart); maxSize may then reach MaxParts × PartSize.
	Multipart *Multipart `json:"-"`
	// Moderation is the profile's content moderation (moderation.go).
	Moderation Moderation `json:"-"`
}

// Allows reports whether the profile allows the MIME type t.
func (p Profile) Allows(t string) bool { return slices.Contains(p.Types, t) }

// profileJSON is the configuration form of a Profile: expiry is a Go
// duration string ("10m", "90s"); zero values mean defaults.
type profileJSON struct {
	Types               []string `json:"types"`
	MinSize             int64    `json:"minSize"`
	MaxSize             int64    `json:"maxSize"`
	Expiry              string   `json:"expiry"`
	SuccessActionStatus int      `json:"successActionStatus"`
	MaxFiles            int      `json:"maxFiles"`
	Disposition         string   `json:"disposition"`
	RejectPolyglots     *bool    `json:"rejectPolyglots"` // nil: true
	Quota               *Quota   `json:"quota"`
	Rate                *Rate    `json:"rate"`

	// Multipart is {"partSize", "threshold"}, or absent for form uploads only.
	Multipart *multipartJSON `json:"multipart"`
	// Moderation is {"provider", "service", "rejectLevel", "timeout",
	// "onTimeout"}, or absent for OSSGATE_MODERATION's provider.
	Moderation *moderationJSON `json:"moderation"`
}

// DefaultProfiles is the built-in profile set used when OSSGATE_PROFILES is
// empty.
const DefaultProfiles = `{
  "avatar":   {"types": ["image/jpeg", "image/png", "image/webp", "image/gif"], "maxSize": 5242880, "maxFiles": 1},
  "image":    {"types": ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"], "maxSize": 10485760, "maxFiles": 9},
  "document": {"types": ["application/pdf"], "maxSize": 20971520, "maxFiles": 5},
  "video":    {"types": ["video/mp4", "video/quicktime"], "maxSize": 4294967296, "multipart": {}}
}`

// ProfileNamePattern is the rule of a profile name: 1-32 lower-case
// letters, digits, '_' and '-', starting with a letter or digit. Upload keys
// and the profile filter of GET /uploads follow it too.
const ProfileNamePattern = `^[a-z0-9][a-z0-9_-]{0,31}$`

// ValidProfileName reports whether name matches ProfileNamePattern
// (checked by hand: a regexp compiled at start costs every function's cold
// start).
func ValidProfileName(name string) bool {
	if name == "" || len(name) > 32 || name[0] == '_' || name[0] == '-' {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool { return !nameByte(r) }) < 0
}

// ParseProfiles decodes and validates a profile set from JSON text: an
// object mapping profile names to profiles. Unknown fields, values of the
// wrong type, unknown MIME types and out-of-range values are errors; every
// problem is reported at once, each with its line and column (a syntax
// error stops the decoding, so it is reported alone).
func ParseProfiles(text []byte) (map[string]Profile, error) {
	raw, pos, errs, err := decodeProfiles(text)
	if err != nil {
		return nil, fmt.Errorf("config: profiles: %w", err)
	}
	if len(raw) == 0 && len(errs) == 0 {
		return nil, errors.New("config: profiles: no profile defined")
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make(map[string]Profile, len(raw))
	for _, n := range names {
		p, err := buildProfile(n, raw[n])
		if err != nil {
			errs = append(errs, pos[n]+": "+err.Error())
			continue
		}
		out[n] = p
	}
	if len(errs) > 0 {
		return nil, errors.New("config: profiles: " + strings.Join(errs, "; "))
	}
	return out, nil
}

// buildProfile applies defaults to pj and validates the result.
func buildProfile(name string, pj profileJSON) (Profile, error) {
	p := Profile{Name: name, Types: pj.Types, MinSize: pj.MinSize, MaxSize: pj.MaxSize,
		Expiry: DefaultExpiry, SuccessActionStatus: pj.SuccessActionStatus, MaxFiles: pj.MaxFiles}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	p.Multipart = buildMultipart(pj.Multipart, bad)
	p.Moderation = buildModeration(pj.Moderation, bad)
	if !ValidProfileName(name) {
		bad("name must match %s", ProfileNamePattern)
	}
	if len(p.Types) == 0 {
		bad("types must list at least one MIME type")
	}
	for _, t := range p.Types {
		if _, ok := Extension(t); !ok {
			bad("unknown MIME type %q (known: %s)", t, strings.Join(KnownTypes(), ", "))
		}
	}
	if p.MinSize == 0 {
		p.MinSize = 1
	}
	if msg := p.sizeProblem(); msg != "" {
		bad("%s", msg)
	}
	if pj.Expiry != "" {
		d, err := time.ParseDuration(pj.Expiry)
		if err != nil || d < time.Second || d > MaxExpiry {
			bad("expiry must be a duration between 1s and %s, got %q", MaxExpiry, pj.Expiry)
		}
		p.Expiry = d
	}
	if p.SuccessActionStatus == 0 {
		p.SuccessActionStatus = DefaultSuccessActionStatus
	}
	if s := p.SuccessActionStatus; s != 200 && s != 201 && s != 204 {
		bad("successActionStatus must be 200, 201 or 204, got %d", s)
	}
	if p.MaxFiles == 0 {
		p.MaxFiles = 1
	}
	if p.MaxFiles < 1 || p.MaxFiles > MaxFilesLimit {
		bad("maxFiles must be between 1 and %d, got %d", MaxFilesLimit, p.MaxFiles)
	}
	contentRules(&p, pj, bad)
	problems = append(problems, checkLimits(pj.Quota, pj.Rate)...)
	if pj.Quota != nil {
		p.Quota = *pj.Quota
	}
	if pj.Rate != nil {
		p.Rate = *pj.Rate
	}
	if len(problems) > 0 {
		return Profile{}, fmt.Errorf("profile %q: %s", name, strings.Join(problems, "; "))
	}
	return p, nil
}
