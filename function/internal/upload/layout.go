package upload

import (
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// Layout names every object ossgate writes, under the configured prefixes:
//
//	{Upload}/{profile}/{UploadUserSegment(user)}/{yyyy}/{mm}/{dd}/{id}{ext}  an upload
//	{Quarantine}/{upload key}                                               its quarantined copy
//	{Records}/...                                                           the OSS record store's objects (ossstore.Keys)
//
// id is a random object id; a multipart upload's is SizedID's, which also
// states the size the upload was started with.
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
