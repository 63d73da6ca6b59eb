package wire

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error is the error object: code, message and requestId always; the
// fields after them only on the codes that carry them. Fields are in name
// order after requestId.
type Error struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	// Exceeded and RetryAfter are QuotaExceeded's: what was exceeded
	// (files, bytes, rate or busy) and when to try again, in seconds (also
	// the Retry-After header).
	Exceeded   string `json:"exceeded,omitempty"`
	RetryAfter int    `json:"retryAfter,omitempty"`
	// Missing is PartsMissing's: the first 100 missing part numbers.
	Missing []int `json:"missing,omitempty"`
	// Part is PartSizeMismatch's: the part that does not fit.
	Part *int `json:"part,omitempty"`
	// PartSize and Threshold are MultipartRequired's: the profile's part
	// size and the file size from which it takes multipart uploads only.
	PartSize int64 `json:"partSize,omitempty"`
	// Size is UploadSizeMismatch's: the size the upload was started with.
	Size      int64 `json:"size,omitempty"`
	Threshold int64 `json:"threshold,omitempty"`
}
