package wire

import "time"

// CreateRequest is the body of POST /uploads/multipart.
type CreateRequest struct {
	Profile string `json:"profile"`
	File    File   `json:"file"`
}

// UploadRef names a multipart upload: its key and OSS's upload id. It is
// the body of DELETE /uploads/multipart (or its query).
type UploadRef struct {
	Key      string `json:"key"`
	UploadID string `json:"uploadId"`
}

// PartsRequest is the body of POST /uploads/multipart/parts. Size is the
// size the upload was started with. Parts nil (absent or null) asks what
// is done; otherwise it lists the part numbers to sign.
type PartsRequest struct {
	UploadRef
	Size  int64 `json:"size"`
	Parts []int `json:"parts"`
}

// CompleteRequest is the body of POST /uploads/multipart/complete. Size is
// the size the upload was started with.
type CompleteRequest struct {
	UploadRef
	Size int64 `json:"size"`
}

// PartURL is one part's presigned UploadPart request: PUT exactly Size
// bytes to URL with exactly Headers (plus Host and Content-Length).
type PartURL struct {
	Number    int               `json:"number"`
	URL       string            `json:"url"`
	Size      int64             `json:"size"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// MultipartUpload is the upload a POST /uploads/multipart starts.
type MultipartUpload struct {
	Key       string    `json:"key"`
	UploadID  string    `json:"uploadId"`
	PartSize  int64     `json:"partSize"`
	PartCount int       `json:"partCount"`
	ObjectURL string    `json:"objectUrl"`
	ExpiresAt time.Time `json:"expiresAt"` // when the part URLs expire
	Parts     []PartURL `json:"parts"`     // the first parts, at most 100
}

// CreateResponse is the body of a successful POST /uploads/multipart.
type CreateResponse struct {
	Upload MultipartUpload `json:"upload"`
}

// PartsResponse is the body of a successful POST /uploads/multipart/parts.
// Done is there only when the request listed no parts.
type PartsResponse struct {
	PartSize  int64     `json:"partSize"`
	PartCount int       `json:"partCount"`
	Done      []int     `json:"done,omitzero"`
	Parts     []PartURL `json:"parts"`
}

// CompleteResponse is the body of a successful complete; ETag is the
// object's, unquoted (as records show it).
type CompleteResponse struct {
	Key       string `json:"key"`
	ObjectURL string `json:"objectUrl"`
	Size      int64  `json:"size"`
	ETag      string `json:"etag"`
	// RecordID is the id of the upload's record (GET /uploads/{id}).
	RecordID string `json:"recordId"`
	// Record is the upload's checked record when OSS's upload callback
	// answered it; absent otherwise (GET /uploads/{id} then tells).
	Record *Record `json:"record,omitempty"`
}
