package record

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Layout names the objects of the OSS store. Under Prefix:
//
//	{Prefix}/{userSeg}/{revTs}-{id}.json  the record, listed per user newest first
//	{Prefix}/_ids/{id}                    holds the record's key, for Get by ID
//
// userSeg is UserSegment(uploader); revTs is RevTimestamp(UploadedAt).
type Layout struct {
	Prefix string // without a trailing slash, e.g. "records"
}

// UserPrefix is the key prefix of every record of user, ending in "/".
func (l Layout) UserPrefix(user string) string {
	return l.Prefix + "/" + UserSegment(user) + "/"
}

// RecordKey is the deterministic key of r: the same record always has the
// same key.
func (l Layout) RecordKey(r Record) string {
	return l.UserPrefix(r.Uploader) + RevTimestamp(r.UploadedAt) + "-" + r.ID + ".json"
}

// IDKey is the key of the object that maps id to its record key.
func (l Layout) IDKey(id string) string {
	return l.Prefix + "/_ids/" + id
}

// UserSegment encodes user as one key segment: ASCII letters, digits and '-'
// stay, every other byte becomes '_' and two upper-case hex digits, and the
// empty user becomes "_". The encoding is injective and never yields "_ids",
// and its output needs no URL escaping, so listings with encoding-type=url
// cannot alter it.
func UserSegment(user string) string {
	if user == "" {
		return "_"
	}
	var b strings.Builder
	for i := 0; i < len(user); i++ {
		c := user[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "_%02X", c)
	}
	return b.String()
}

// RevTimestamp is math.MaxInt64 minus t's Unix nanoseconds, zero-padded to 19
// digits, so that keys sort lexicographically newest first. Times before
// 1970 count as 1970.
func RevTimestamp(t time.Time) string {
	if t.Before(time.Unix(0, 0)) {
		t = time.Unix(0, 0)
	}
	return fmt.Sprintf("%019d", math.MaxInt64-t.UnixNano())
}
