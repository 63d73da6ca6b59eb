package upload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// Layout names every object ossgate writes, under the configured prefixes:
//
//	{Upload}/{profile}/{UploadUserSegment(user)}/{yyyy}/{mm}/{dd}/{id}{ext}  an upload
//	{Quarantine}/{upload key}                                               its quarantined copy
//	{Records}/{RecordUserSegment(user)}/r/{record id}.json                  its record (the OSS record store)
//	{Records}/{RecordUserSegment(user)}/g/{revGen}.json                     a generation of the user's index
//
// id is a random object id; a multipart upload's is SizedID's, which also
// states the size the upload was started with.
//
// revGen is math.MaxInt64 minus the generation number, zero-padded to 19
// digits, so that a listing of the user's prefix names the newest
// generation first, before the records ("g/" sorts before "r/").
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

// RecordKey returns the key of user's record id: the same record always
// has the same key.
func (l Layout) RecordKey(user, id string) string {
	return l.UserRecordsPrefix(user) + "r/" + id + ".json"
}

// IndexKey returns the key of generation gen (at least 1) of user's index.
func (l Layout) IndexKey(user string, gen int64) string {
	return l.UserRecordsPrefix(user) + fmt.Sprintf("g/%019d.json", math.MaxInt64-gen)
}

// RecordOfKey returns the record id a RecordKey of user names.
func (l Layout) RecordOfKey(user, key string) (string, bool) {
	id, ok := strings.CutPrefix(key, l.UserRecordsPrefix(user)+"r/")
	id, json := strings.CutSuffix(id, ".json")
	return id, ok && json && id != "" && !strings.Contains(id, "/")
}

// GenerationOfKey returns the generation an IndexKey of user names.
func (l Layout) GenerationOfKey(user, key string) (int64, bool) {
	rev, ok := strings.CutPrefix(key, l.UserRecordsPrefix(user)+"g/")
	rev, json := strings.CutSuffix(rev, ".json")
	n, err := strconv.ParseInt(rev, 10, 64)
	if !ok || !json || err != nil || len(rev) != 19 || n < 0 || n == math.MaxInt64 {
		return 0, false
	}
	return math.MaxInt64 - n, true
}
