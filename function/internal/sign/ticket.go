package sign

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/signer"
)

// Upload is one ticket: where to post, the exact form fields to send before
// the file part, and what the policy allows.
type Upload struct {
	URL       string      `json:"url"`
	Key       string      `json:"key"`
	Fields    signer.Form `json:"fields"`
	ExpiresAt time.Time   `json:"expiresAt"`
	// MaxSize is the largest file the policy accepts; the policy pins the
	// size to exactly the declared one, so it equals it.
	MaxSize   int64  `json:"maxSize"`
	ObjectURL string `json:"objectUrl"`
}

// Response is the body of a successful POST /sign.
type Response struct {
	Uploads []Upload `json:"uploads"`
}

// Metadata fields every ticket signs.
const (
	MetaUploader = "x-oss-meta-uploader"
	MetaProfile  = "x-oss-meta-profile"
	MetaFilename = "x-oss-meta-filename"
)

// UserSegment returns the key segment of user: user itself when it matches
// ^[A-Za-z0-9._@-]{1,64}$ and is not "." or "..", else "~" and the first 32
// hex digits of its SHA-256. "~" never occurs in a user kept as is, so the
// two forms cannot collide.
func UserSegment(user string) string {
	if keySafe(user) && user != "." && user != ".." {
		return user
	}
	sum := sha256.Sum256([]byte(user))
	return "~" + hex.EncodeToString(sum[:16])
}

// keySafe reports whether user matches ^[A-Za-z0-9._@-]{1,64}$.
func keySafe(user string) bool {
	if user == "" || len(user) > 64 {
		return false
	}
	for i := 0; i < len(user); i++ {
		if c := user[i]; !unreservedPath(c) && c != '@' || c == '~' {
			return false
		}
	}
	return true
}

// unreservedPath reports whether url.PathEscape leaves c as is and c is
// not '/': [A-Za-z0-9._~-].
func unreservedPath(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// ticketInput is everything one ticket depends on.
type ticketInput struct {
	cfg     *config.Config
	profile config.Profile
	user    string
	file    FileRequest
	id      string           // random object id
	now     time.Time        // UTC, whole seconds
	fixed   *fixedConditions // the profile's, from Handler; file.Type is one of its types
}

// fixedConditions are the conditions of a profile's tickets that are the
// same on every request, built once when the Handler is made (a
// signer.Condition is immutable and safe to share).
type fixedConditions struct {
	bucket, status, profile signer.Condition
	contentType             map[string]signer.Condition // by allowed type
}

// newFixedConditions returns the fixed conditions of profile p's tickets.
func newFixedConditions(bucket string, p config.Profile) *fixedConditions {
	f := &fixedConditions{
		bucket:      signer.Bucket(bucket),
		status:      signer.Eq("success_action_status", strconv.Itoa(p.SuccessActionStatus)),
		profile:     signer.Eq(MetaProfile, p.Name),
		contentType: make(map[string]signer.Condition, len(p.Types)),
	}
	for _, t := range p.Types {
		f.contentType[t] = signer.Eq("Content-Type", t)
	}
	return f
}

// objectKey returns {UPLOAD_PREFIX}/{profile}/{user}/{yyyy}/{mm}/{dd}/{id}{ext}.
func (in ticketInput) objectKey() string {
	ext, _ := config.Extension(in.file.Type) // validated types always have one
	user := UserSegment(in.user)
	b := make([]byte, 0, len(in.cfg.UploadPrefix)+len(in.profile.Name)+len(user)+len(in.id)+len(ext)+16)
	b = append(b, in.cfg.UploadPrefix...)
	b = append(b, '/')
	b = append(b, in.profile.Name...)
	b = append(b, '/')
	b = append(b, user...)
	b = append(b, '/')
	b = in.now.AppendFormat(b, "2006/01/02")
	b = append(b, '/')
	b = append(b, in.id...)
	b = append(b, ext...)
	return string(b)
}

// policy returns the policy pinning bucket, key, type, the exact size,
// success status and the uploader, profile and file name metadata.
func (in ticketInput) policy(key string) signer.Policy {
	f := in.fixed
	return signer.Policy{
		Expiration: in.now.Add(in.profile.Expiry),
		Conditions: []signer.Condition{
			f.bucket,
			signer.Eq("key", key),
			f.contentType[in.file.Type],
			signer.ContentLengthRange(in.file.Size, in.file.Size),
			f.status,
			signer.Eq(MetaUploader, in.user),
			f.profile,
			signer.Eq(MetaFilename, url.PathEscape(in.file.Name)),
		},
	}
}

// ticket signs the upload of in.file with c.
func (in ticketInput) ticket(c signer.Credentials) (Upload, error) {
	key := in.objectKey()
	p := in.policy(key)
	form, err := signer.Sign(c, p, in.cfg.Region, in.now)
	if err != nil {
		return Upload{}, err
	}
	return Upload{
		URL: in.cfg.UploadURL, Key: key, Fields: form, ExpiresAt: p.Expiration,
		MaxSize: in.file.Size, ObjectURL: in.cfg.PublicBaseURL + "/" + escapeKey(key),
	}, nil
}

// escapeKey escapes each segment of key for use in a URL path. A key of
// unreserved characters and '/' only (the usual one) is returned as is.
func escapeKey(key string) string {
	plain := true
	for i := 0; i < len(key) && plain; i++ {
		plain = key[i] == '/' || unreservedPath(key[i])
	}
	if plain {
		return key
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
