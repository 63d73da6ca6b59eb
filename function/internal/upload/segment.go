package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// Both user segments are one path segment that needs no escaping and keeps
// every user apart. They differ in what else they keep: an upload key (seen
// in object URLs, bounded to 1023 bytes with everything else in it) keeps a
// plain id readable and puts a fixed-size hash for any other; a record key
// keeps every id in full, reversibly, so the key itself names its user.

// UploadUserSegment returns the segment of UploadKey that names user: user
// itself when it matches ^[A-Za-z0-9._@-]{1,64}$ and is not "." or "..",
// else "~" and the first 32 hex digits of its SHA-256. "~" never occurs in
// a user kept as is, so the two forms cannot collide.
func UploadUserSegment(user string) string {
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

// RecordUserSegment returns the segment of RecordKey that names user: ASCII
// letters, digits and '-' stay, every other byte becomes '_' and two
// upper-case hex digits, and the empty user becomes "_". The encoding is
// injective and never yields "_ids", and its output needs no URL escaping,
// so listings with encoding-type=url cannot alter it.
func RecordUserSegment(user string) string {
	if user == "" {
		return "_"
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(user))
	for i := 0; i < len(user); i++ {
		c := user[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
			continue
		}
		b = append(b, '_', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

// EscapeKey escapes each segment of key for use in a URL path. A key of
// unreserved characters and '/' only (the usual one) is returned as is.
func EscapeKey(key string) string {
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

// unreservedPath reports whether url.PathEscape leaves c as is and c is
// not '/': [A-Za-z0-9._~-].
func unreservedPath(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
