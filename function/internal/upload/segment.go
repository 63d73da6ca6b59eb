package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// UploadUserSegment returns the segment of UploadKey that names user, one
// path segment that needs no escaping and keeps every user apart (an upload
// key is seen in object URLs, bounded to 1023 bytes with everything else in
// it): user
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
