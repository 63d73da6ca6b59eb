// Package record turns OSS "object created" events into one upload record per
// object, exactly once, and lists a user's records.
package record

import (
	"context"
	"time"
)

// Status values of a Record.
const (
	StatusOK          = "ok"
	StatusQuarantined = "quarantined"
)

// Record describes one completed upload. Its ID is derived from bucket, key
// and ETag, so the same upload always maps to the same record.
type Record struct {
	ID            string    `json:"id"`
	Bucket        string    `json:"bucket"`
	Key           string    `json:"key"`
	ETag          string    `json:"etag"`
	Size          int64     `json:"size"`
	ContentType   string    `json:"contentType"`  // the signed (declared) type
	DetectedType  string    `json:"detectedType"` // sniffed from the first bytes
	Uploader      string    `json:"uploader"`     // x-oss-meta-uploader
	Profile       string    `json:"profile"`      // x-oss-meta-profile
	OriginalName  string    `json:"originalName"` // x-oss-meta-filename, decoded
	Status        string    `json:"status"`       // StatusOK or StatusQuarantined
	Reason        string    `json:"reason,omitempty"`
	QuarantineKey string    `json:"quarantineKey,omitempty"`
	Event         string    `json:"event"` // e.g. ObjectCreated:PostObject
	UploadedAt    time.Time `json:"uploadedAt"`
	RecordedAt    time.Time `json:"recordedAt"`
}

// Page is one page of a user's records, newest first. Next is the cursor of
// the following page, empty on the last one.
type Page struct {
	Records []Record `json:"records"`
	Next    string   `json:"next,omitempty"`
}

// Lister lists one user's records, newest first. A cursor comes from a
// previous Page.Next; limit is at least 1.
type Lister interface {
	List(ctx context.Context, user, cursor string, limit int) (Page, error)
}
