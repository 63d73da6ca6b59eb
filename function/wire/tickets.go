package wire

import (
	"time"

	"github.com/ossgate/ossgate/signer"
)

// SignRequest is the body of POST /sign.
type SignRequest struct {
	Profile string `json:"profile"`
	Files   []File `json:"files"`
}

// File declares one file to upload (POST /sign, POST /uploads/multipart).
type File struct {
	Name string `json:"name"` // the client's file name; metadata only
	Type string `json:"type"` // MIME type, e.g. image/png
	Size int64  `json:"size"` // exact size in bytes
}

// SignResponse is the body of a successful POST /sign.
type SignResponse struct {
	Uploads []Ticket `json:"uploads"`
}

// Ticket is one upload of a SignResponse: where to post, the exact form
// fields to send before the file part, and what the policy allows.
type Ticket struct {
	URL       string      `json:"url"`
	Key       string      `json:"key"`
	Fields    signer.Form `json:"fields"`
	ExpiresAt time.Time   `json:"expiresAt"`
	// MaxSize is the largest file the policy accepts; the policy pins the
	// size to exactly the declared one, so it equals it.
	MaxSize   int64  `json:"maxSize"`
	ObjectURL string `json:"objectUrl"`
	// RecordID is the id the upload's record will have (GET
	// /uploads/{id}), so that a client whose upload answer did not carry
	// the record can ask for it.
	RecordID string `json:"recordId"`
}
