// Package records is what ossgate knows about completed uploads: the Record
// type, the Store its callers use and the Driver every record store
// implements (the memory store in memstore, the OSS one in ossstore, the SQL
// one in sqlstore; a new one lives beside them and passes storetest), the
// listing order and filters, the cursor format and the quota decision. The record function writes records;
// the sign function lists, shows and deletes them (GET and DELETE /uploads)
// and admits tickets against the profile's quota.
package records

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Status values of a Record.
const (
	StatusOK          = "ok"
	StatusQuarantined = "quarantined"
	StatusDeleted     = "deleted" // deleted by its owner (DELETE /uploads/{id}); kept, with DeletedAt
	// StatusPending is a record whose bytes passed the type check and
	// whose profile moderates: it waits for a verdict (see Verdict).
	StatusPending = "pending"
	// StatusRejected is a record moderation rejected; its object is
	// quarantined as a StatusQuarantined one's is.
	StatusRejected = "rejected"
)

// Record describes one completed upload. Its ID is derived from bucket and
// key, so an upload always maps to the same record, and a key to one.
type Record struct {
	ID            string    `json:"id"`
	Bucket        string    `json:"bucket"`
	Key           string    `json:"key"`
	ETag          string    `json:"etag"`
	Size          int64     `json:"size"`
	ContentType   string    `json:"contentType"`      // the signed (declared) type
	DetectedType  string    `json:"detectedType"`     // sniffed from the first bytes
	Uploader      string    `json:"uploader"`         // the upload's upload.MetaUploader
	Profile       string    `json:"profile"`          // its upload.MetaProfile
	OriginalName  string    `json:"originalName"`     // its upload.MetaFilename, unescaped
	OpenID        string    `json:"openid,omitempty"` // its upload.MetaOpenID (wechat moderation), if any
	Status        string    `json:"status"`           // one of the Status constants
	Reason        string    `json:"reason,omitempty"`
	QuarantineKey string    `json:"quarantineKey,omitempty"`
	Event         string    `json:"event"` // e.g. ObjectCreated:PostObject
	UploadedAt    time.Time `json:"uploadedAt"`
	RecordedAt    time.Time `json:"recordedAt"`
	DeletedAt     time.Time `json:"deletedAt,omitzero"` // set with StatusDeleted
	// Moderation is set when the upload's profile moderates: which
	// provider was asked and, once it is settled, its verdict.
	Moderation *Moderation `json:"moderation,omitempty"`
}

// Page is one page of a user's records, newest first. Next is the cursor of
// the following page, empty on the last one.
type Page struct {
	Records []Record `json:"records"`
	Next    string   `json:"next,omitempty"`
}

// OwnerDeletesObject reports whether its owner's delete of r (DELETE
// /uploads/{id}) deletes the upload's object too, or marks the record only:
// a quarantined or rejected upload's object, moved under the quarantine prefix or tagged
// in place, is kept for operators in either quarantine mode.
func (r Record) OwnerDeletesObject() bool {
	return r.Status != StatusQuarantined && r.Status != StatusRejected && r.QuarantineKey == ""
}

// ErrNotFound is wrapped by Get and Delete errors for a record that is not
// stored (or not the user's, or for Delete deleted already).
var ErrNotFound = errors.New("records: not found")

// ErrBadCursor is wrapped by List errors for a cursor that did not come from
// a previous page of the same user's listing.
var ErrBadCursor = errors.New("records: invalid cursor")

// Before reports whether a comes before b in a listing: newer first (by
// UploadedAt, where times before 1970 count as 1970), then by ID. Every store
// lists in this order.
func Before(a, b Record) bool {
	ta, tb := a.UploadedAt.UnixNano(), b.UploadedAt.UnixNano()
	if ta, tb = max(ta, 0), max(tb, 0); ta != tb {
		return ta > tb
	}
	return a.ID < b.ID
}

// ID returns the record ID of the upload at bucket/key: the first 32 hex
// digits of SHA-256(bucket "\n" key). It names the key, not a version of it,
// so a key gets one record however often it is written (first write wins).
func ID(bucket, key string) string {
	sum := sha256.Sum256([]byte(bucket + "\n" + key))
	return hex.EncodeToString(sum[:])[:32]
}

// NormalizeETag strips the quotes OSS puts around an ETag header and
// upper-cases it, the form OSS events carry.
func NormalizeETag(etag string) string {
	return strings.ToUpper(strings.Trim(strings.TrimSpace(etag), `"`))
}
