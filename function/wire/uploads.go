package wire

import (
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Record is one completed upload, as the record function stored it.
type Record = records.Record

// UploadView is a record as GET /uploads and GET and DELETE /uploads/{id}
// show it: with presigned URLs of its object when its owner may fetch it
// (status ok: a quarantined object is not offered, a deleted one is gone).
type UploadView struct {
	Record
	DownloadURL  string `json:"downloadUrl,omitempty"`
	ThumbnailURL string `json:"thumbnailUrl,omitempty"`
}

// UploadsPage is the body of GET /uploads: newest first; Next is the
// cursor of the following page, empty on the last one.
type UploadsPage struct {
	Records []UploadView `json:"records"`
	Next    string       `json:"next,omitempty"`
}

// QuotaAnswer is the body of GET /quota.
type QuotaAnswer struct {
	Profile string        `json:"profile"`
	Quota   *config.Quota `json:"quota,omitempty"`
	Rate    *config.Rate  `json:"rate,omitempty"`
	Used    *Amounts      `json:"used,omitempty"`
	Left    *Amounts      `json:"left,omitempty"`
	// ResetsAt is the end of the quota's period.
	ResetsAt *time.Time `json:"resetsAt,omitempty"`
}

// Amounts are files and bytes; a quota without a bytes (or files) limit
// shows no left bytes (or files).
type Amounts struct {
	Files *int   `json:"files,omitempty"`
	Bytes *int64 `json:"bytes,omitempty"`
}
