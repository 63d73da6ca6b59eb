package ossstore

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Keys names the store's objects under the records prefix:
//
//	{Prefix}/{UserSegment(user)}/r/{record id}.json   a record
//	{Prefix}/{UserSegment(user)}/g/{revGen}.json      a generation of the user's index
//
// revGen is math.MaxInt64 minus the generation number, zero-padded to 19
// digits, so that a listing of the user's prefix names the newest
// generation first, before the records ("g/" sorts before "r/").
type Keys struct {
	Prefix string // the records prefix, without a trailing "/"
}

// User is the key prefix of every object of user, ending in "/".
func (k Keys) User(user string) string {
	return k.Prefix + "/" + UserSegment(user) + "/"
}

// Record returns the key of user's record id: the same record always has
// the same key.
func (k Keys) Record(user, id string) string {
	return k.User(user) + "r/" + id + ".json"
}

// Index returns the key of generation gen (at least 1) of user's index.
func (k Keys) Index(user string, gen int64) string {
	return k.User(user) + fmt.Sprintf("g/%019d.json", math.MaxInt64-gen)
}

// RecordOf returns the record id a Record key of user names.
func (k Keys) RecordOf(user, key string) (string, bool) {
	id, ok := strings.CutPrefix(key, k.User(user)+"r/")
	id, json := strings.CutSuffix(id, ".json")
	return id, ok && json && id != "" && !strings.Contains(id, "/")
}

// GenerationOf returns the generation an Index key of user names.
func (k Keys) GenerationOf(user, key string) (int64, bool) {
	rev, ok := strings.CutPrefix(key, k.User(user)+"g/")
	rev, json := strings.CutSuffix(rev, ".json")
	n, err := strconv.ParseInt(rev, 10, 64)
	if !ok || !json || err != nil || len(rev) != 19 || n < 0 || n == math.MaxInt64 {
		return 0, false
	}
	return math.MaxInt64 - n, true
}

// UserSegment returns the segment of the keys that names user: ASCII
// letters, digits and '-' stay, every other byte becomes '_' and two
// upper-case hex digits, and the empty user becomes "_". Unlike an upload
// key's user segment (which hashes ids it cannot keep readable), it keeps
// every id in full, reversibly, so the key itself names its user. The
// encoding is injective and never yields "_ids", and its output needs no
// URL escaping, so listings with encoding-type=url cannot alter it.
func UserSegment(user string) string {
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
