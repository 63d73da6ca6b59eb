package upload

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// Layout names every object ossgate writes, under the configured prefixes:
//
//	{Upload}/{profile}/{UploadUserSegment(user)}/{yyyy}/{mm}/{dd}/{id}{ext}  an upload
//	{Quarantine}/{upload key}                                               its quarantined copy
//	{Records}/{RecordUserSegment(user)}/{revTs}-{id}.json                   its record, listed per user newest first
//	{Records}/_ids/{id}                                                     holds the record's key, for lookup by id
//
// revTs is math.MaxInt64 minus the upload time in Unix nanoseconds,
// zero-padded to 19 digits, so that a user's record keys sort newest first.
type Layout struct {
	config.Prefixes
}

// UploadKey returns the key of upload id (a random object id) of user under
// profile, made on day (UTC), with ext (the extension of its type, dot
// included).
func (l Layout) UploadKey(profile, user string, day time.Time, id, ext string) string {
	seg := UploadUserSegment(user)
	b := make([]byte, 0, len(l.Upload)+len(profile)+len(seg)+len(id)+len(ext)+16)
	b = append(b, l.Upload...)
	b = append(b, '/')
	b = append(b, profile...)
	b = append(b, '/')
	b = append(b, seg...)
	b = append(b, '/')
	b = day.UTC().AppendFormat(b, "2006/01/02")
	b = append(b, '/')
	b = append(b, id...)
	b = append(b, ext...)
	return string(b)
}

// UploaderOfUploadKey returns the user an UploadKey names, when its user
// segment is the user id itself (UploadUserSegment keeps plain ids as they
// are and hashes the others, which cannot be reversed).
func (l Layout) UploaderOfUploadKey(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, l.Upload+"/")
	parts := strings.SplitN(rest, "/", 3)
	if !ok || len(parts) < 3 || strings.HasPrefix(parts[1], "~") || UploadUserSegment(parts[1]) != parts[1] {
		return "", false
	}
	return parts[1], true
}

// IsUploadKey reports whether key is under the upload prefix.
func (l Layout) IsUploadKey(key string) bool { return strings.HasPrefix(key, l.Upload+"/") }

// IsOwnKey reports whether key is under the records or quarantine prefix:
// an object ossgate wrote itself, never an upload.
func (l Layout) IsOwnKey(key string) bool {
	return strings.HasPrefix(key, l.Records+"/") || strings.HasPrefix(key, l.Quarantine+"/")
}

// QuarantineKey returns where the upload at key is moved when quarantined.
func (l Layout) QuarantineKey(key string) string { return l.Quarantine + "/" + key }

// UserRecordsPrefix is the key prefix of every record of user, ending in "/".
func (l Layout) UserRecordsPrefix(user string) string {
	return l.Records + "/" + RecordUserSegment(user) + "/"
}

// RecordKey returns the key of the record id of an upload by user at
// uploadedAt: the same record always has the same key.
func (l Layout) RecordKey(user string, uploadedAt time.Time, id string) string {
	return l.UserRecordsPrefix(user) + revTimestamp(uploadedAt) + "-" + id + ".json"
}

// RecordIDKey is the key of the object that holds the record key of id.
func (l Layout) RecordIDKey(id string) string { return l.Records + "/_ids/" + id }

// IsRecordKeyOf reports whether key could be a RecordKey of id: under the
// records prefix and ending in id's suffix.
func (l Layout) IsRecordKeyOf(key, id string) bool {
	return strings.HasPrefix(key, l.Records+"/") && strings.HasSuffix(key, "-"+id+".json")
}

// revTimestamp is math.MaxInt64 minus t's Unix nanoseconds, zero-padded to 19
// digits; times before 1970 count as 1970.
func revTimestamp(t time.Time) string {
	if t.Before(time.Unix(0, 0)) {
		t = time.Unix(0, 0)
	}
	return fmt.Sprintf("%019d", math.MaxInt64-t.UnixNano())
}
