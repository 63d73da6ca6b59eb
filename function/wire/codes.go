package wire

import (
	"maps"
	"net/http"
	"slices"
)

// Codes of the JSON error body {"error":{"code","message","requestId"}}:
// the request and its caller.
const (
	CodeBadRequest       = "BadRequest"
	CodeInvalidJSON      = "InvalidJSON"
	CodeBodyTooLarge     = "BodyTooLarge"
	CodeProfileRequired  = "ProfileRequired"
	CodeUnknownProfile   = "UnknownProfile"
	CodeNoFiles          = "NoFiles"
	CodeTooManyFiles     = "TooManyFiles"
	CodeInvalidFileName  = "InvalidFileName"
	CodeInvalidSize      = "InvalidSize"
	CodeUnsupportedType  = "UnsupportedType"
	CodeFileTooLarge     = "FileTooLarge"
	CodeFileTooSmall     = "FileTooSmall"
	CodeInvalidLimit     = "InvalidLimit"
	CodeInvalidCursor    = "InvalidCursor"
	CodeUnauthenticated  = "Unauthenticated"
	CodeNoCredentials    = "NoCredentials"
	CodeNotFound         = "NotFound"
	CodeMethodNotAllowed = "MethodNotAllowed"
	CodeInternal         = "InternalError"
)

// Codes of the uploads the app owns: GET /uploads filters, quotas, the
// record store.
const (
	CodeInvalidFilter    = "InvalidFilter"
	CodeQuotaExceeded    = "QuotaExceeded"
	CodeStoreUnavailable = "StoreUnavailable"
)

// Codes of the multipart endpoints (and MultipartRequired of POST /sign).
const (
	CodeMultipartRequired   = "MultipartRequired"
	CodeMultipartNotAllowed = "MultipartNotAllowed"
	CodeInvalidUpload       = "InvalidUpload"
	CodeInvalidParts        = "InvalidParts"
	CodeTooManyParts        = "TooManyParts"
	CodeForbidden           = "Forbidden"
	CodeNoSuchUpload        = "NoSuchUpload"
	CodePartsMissing        = "PartsMissing"
	CodePartSizeMismatch    = "PartSizeMismatch"
	CodeFileAlreadyExists   = "FileAlreadyExists"
	// CodeUploadSizeMismatch: a call on a multipart upload declared
	// another size than the upload was started (and admitted) with; the
	// error's size field is that size.
	CodeUploadSizeMismatch = "UploadSizeMismatch"
)

// statuses is the one table from an error code to its HTTP status; every
// code above is in it.
var statuses = map[string]int{
	CodeBadRequest:       http.StatusBadRequest,
	CodeInvalidJSON:      http.StatusBadRequest,
	CodeProfileRequired:  http.StatusBadRequest,
	CodeUnknownProfile:   http.StatusBadRequest,
	CodeNoFiles:          http.StatusBadRequest,
	CodeTooManyFiles:     http.StatusBadRequest,
	CodeInvalidFileName:  http.StatusBadRequest,
	CodeInvalidSize:      http.StatusBadRequest,
	CodeInvalidLimit:     http.StatusBadRequest,
	CodeInvalidCursor:    http.StatusBadRequest,
	CodeInvalidFilter:    http.StatusBadRequest,
	CodeBodyTooLarge:     http.StatusRequestEntityTooLarge,
	CodeFileTooLarge:     http.StatusRequestEntityTooLarge,
	CodeFileTooSmall:     http.StatusRequestEntityTooLarge,
	CodeUnsupportedType:  http.StatusUnsupportedMediaType,
	CodeUnauthenticated:  http.StatusUnauthorized,
	CodeNotFound:         http.StatusNotFound,
	CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	CodeNoCredentials:    http.StatusServiceUnavailable,
	CodeStoreUnavailable: http.StatusServiceUnavailable,
	CodeQuotaExceeded:    http.StatusTooManyRequests,
	CodeInternal:         http.StatusInternalServerError,

	CodeMultipartRequired:   http.StatusBadRequest,
	CodeMultipartNotAllowed: http.StatusBadRequest,
	CodeInvalidUpload:       http.StatusBadRequest,
	CodeInvalidParts:        http.StatusBadRequest,
	CodeTooManyParts:        http.StatusBadRequest,
	CodeForbidden:           http.StatusForbidden,
	CodeNoSuchUpload:        http.StatusNotFound,
	CodePartsMissing:        http.StatusConflict,
	CodePartSizeMismatch:    http.StatusConflict,
	CodeFileAlreadyExists:   http.StatusConflict,
	CodeUploadSizeMismatch:  http.StatusConflict,
}

// Status is the HTTP status of an error code; an unknown code is 500.
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes returns every error code, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(statuses))
}
