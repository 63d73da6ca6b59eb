package upload

import (
	"strconv"
	"strings"
)

// sizeMark separates a multipart upload's object id from the size it was
// started with. Random object ids (UUIDs) never hold one.
const sizeMark = "_"

// SizedID returns the object id of a multipart upload of a file of size
// bytes: the random id, sizeMark and the size in decimal. The key then
// states the size the upload was started (and admitted) with; OSS ties an
// upload id to its key, so no later call can pair the upload with another
// size, and the record function can check the object against it.
func SizedID(id string, size int64) string {
	return id + sizeMark + strconv.FormatInt(size, 10)
}

// DeclaredSize returns the size the key's id states (see SizedID), and
// false for an id that states none (a form upload's).
func (k KeyParts) DeclaredSize() (int64, bool) {
	i := strings.LastIndex(k.ID, sizeMark)
	if i < 0 {
		return 0, false
	}
	digits := k.ID[i+len(sizeMark):]
	if digits == "" || digits[0] == '0' || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}
