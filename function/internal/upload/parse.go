package upload

import (
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// KeyParts are the parts of an upload key, as UploadKey puts them together.
type KeyParts struct {
	Profile     string
	UserSegment string    // UploadUserSegment of the uploader
	Day         time.Time // the day the key was made, UTC midnight
	ID          string    // the random object id
	Ext         string    // the extension, dot included, or ""
}

// ParseUploadKey splits a key made by UploadKey. It reports false for any
// other key: outside the upload prefix, with another number of segments, a
// user segment UploadUserSegment cannot yield, a malformed day or an id or
// extension of other characters than UploadKey's callers use
// ([A-Za-z0-9_-] ids, lower-case alphanumeric extensions).
func (l Layout) ParseUploadKey(key string) (KeyParts, bool) {
	rest, ok := strings.CutPrefix(key, l.Upload+"/")
	if !ok || len(key) > 1023 {
		return KeyParts{}, false
	}
	seg := strings.Split(rest, "/")
	if len(seg) != 6 || !config.ValidProfileName(seg[0]) || !userSegment(seg[1]) {
		return KeyParts{}, false
	}
	day, err := time.Parse("2006/01/02", seg[2]+"/"+seg[3]+"/"+seg[4])
	if err != nil || len(seg[2]) != 4 {
		return KeyParts{}, false
	}
	id, ext := seg[5], ""
	if i := strings.IndexByte(id, '.'); i >= 0 {
		id, ext = id[:i], id[i:]
	}
	if !idSegment(id) || (ext != "" && !extension(ext)) {
		return KeyParts{}, false
	}
	return KeyParts{Profile: seg[0], UserSegment: seg[1], Day: day, ID: id, Ext: ext}, true
}

// OwnedBy reports whether k names user as its uploader.
func (k KeyParts) OwnedBy(user string) bool { return k.UserSegment == UploadUserSegment(user) }

// userSegment reports whether s is a value UploadUserSegment returns.
func userSegment(s string) bool {
	if h, ok := strings.CutPrefix(s, "~"); ok {
		return len(h) == 32 && allBytes(h, func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' })
	}
	return keySafe(s) && s != "." && s != ".."
}

// idSegment reports whether s is 1-64 of [A-Za-z0-9_-].
func idSegment(s string) bool {
	return s != "" && len(s) <= 64 && allBytes(s, func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
	})
}

// extension reports whether s is "." and 1-8 of [a-z0-9].
func extension(s string) bool {
	return len(s) >= 2 && len(s) <= 9 && s[0] == '.' && allBytes(s[1:], func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' })
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
