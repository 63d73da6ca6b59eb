package sign

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
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

var keySafeUser = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// UserSegment returns the key segment of user: user itself when it matches
// ^[A-Za-z0-9._@-]{1,64}$ and is not "." or "..", else "~" and the first 32
// hex digits of its SHA-256. "~" never occurs in a user kept as is, so the
// two forms cannot collide.
func UserSegment(user string) string {
	if keySafeUser.MatchString(user) && user != "." && user != ".." {
		return user
	}
	sum := sha256.Sum256([]byte(user))
	return "~" + hex.EncodeToString(sum[:16])
}

// ticketInput is everything one ticket depends on.
type ticketInput struct {
	cfg     *config.Config
	profile config.Profile
	user    string
	file    FileRequest
	id      string    // random object id
	now     time.Time // UTC, whole seconds
}

// objectKey returns {UPLOAD_PREFIX}/{profile}/{user}/{yyyy}/{mm}/{dd}/{id}{ext}.
func (in ticketInput) objectKey() string {
	ext, _ := config.Extension(in.file.Type) // validated types always have one
	return in.cfg.UploadPrefix + "/" + in.profile.Name + "/" + UserSegment(in.user) + "/" +
		in.now.Format("2006/01/02") + "/" + in.id + ext
}

// policy returns the policy pinning bucket, key, type, the exact size,
// success status and the uploader, profile and file name metadata.
func (in ticketInput) policy(key string) signer.Policy {
	return signer.Policy{
		Expiration: in.now.Add(in.profile.Expiry),
		Conditions: []signer.Condition{
			signer.Bucket(in.cfg.Bucket),
			signer.Eq("key", key),
			signer.Eq("Content-Type", in.file.Type),
			signer.ContentLengthRange(in.file.Size, in.file.Size),
			signer.Eq("success_action_status", strconv.Itoa(in.profile.SuccessActionStatus)),
			signer.Eq(MetaUploader, in.user),
			signer.Eq(MetaProfile, in.profile.Name),
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

// escapeKey escapes each segment of key for use in a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
