package sign

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Error codes of the JSON error body {"error":{"code","message","requestId"}}.
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

// Error codes of the uploads the app owns: GET /uploads filters, quotas,
// the record store.
const (
	CodeInvalidFilter    = "InvalidFilter"
	CodeQuotaExceeded    = "QuotaExceeded"
	CodeStoreUnavailable = "StoreUnavailable"
)

// Error codes of the multipart endpoints (and MultipartRequired of /sign).
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
)

// Error is an error with a code a client can act on. Message is shown to the
// client; Err (never shown) is the cause, for the log.
type Error struct {
	Code    string
	Message string
	Err     error
	// Exceeded and RetryAfter (seconds) are QuotaExceeded's: what was
	// exceeded (files, bytes, rate or busy) and when to try again (also
	// the Retry-After header).
	Exceeded   string
	RetryAfter int
	// Details are further fields of the JSON error, next to code and
	// message (e.g. MultipartRequired's threshold); nil for most errors.
	Details map[string]any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("sign: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("sign: %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// errorf returns an *Error with a formatted message.
func errorf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// Status maps an error code to its HTTP status; this is the one place that
// mapping lives. Unknown codes are 500.
func Status(code string) int {
	switch code {
	case CodeBadRequest, CodeInvalidJSON, CodeProfileRequired, CodeUnknownProfile, CodeNoFiles,
		CodeTooManyFiles, CodeInvalidFileName, CodeInvalidSize, CodeInvalidLimit, CodeInvalidCursor:
		return http.StatusBadRequest
	case CodeMultipartRequired, CodeMultipartNotAllowed, CodeInvalidUpload, CodeInvalidParts, CodeTooManyParts:
		return http.StatusBadRequest
	case CodeForbidden:
		return http.StatusForbidden
	case CodeNoSuchUpload:
		return http.StatusNotFound
	case CodePartsMissing, CodePartSizeMismatch, CodeFileAlreadyExists:
		return http.StatusConflict
	case CodeBodyTooLarge, CodeFileTooLarge, CodeFileTooSmall:
		return http.StatusRequestEntityTooLarge
	case CodeUnsupportedType:
		return http.StatusUnsupportedMediaType
	case CodeUnauthenticated:
		return http.StatusUnauthorized
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeNoCredentials, CodeStoreUnavailable:
		return http.StatusServiceUnavailable
	case CodeInvalidFilter:
		return http.StatusBadRequest
	case CodeQuotaExceeded:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// asError returns err as an *Error; anything else is an internal error whose
// cause stays out of the response.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}

type errorBody struct {
	Error errorFields `json:"error"`
}

// errorFields is the error object: code, message, requestId, QuotaExceeded's
// exceeded and retryAfter, then the error's Details (see errors_details.go).
type errorFields struct {
	Code       string         `json:"code"`
	Message    string         `json:"message"`
	RequestID  string         `json:"requestId"`
	Exceeded   string         `json:"exceeded,omitempty"`
	RetryAfter int            `json:"retryAfter,omitempty"`
	Details    map[string]any `json:"-"`
}

// writeError writes e as a JSON error response and returns its status.
func writeError(w http.ResponseWriter, e *Error, requestID string) int {
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.RequestID, body.Error.Details = e.Code, e.Message, requestID, e.Details
	body.Error.Exceeded, body.Error.RetryAfter = e.Exceeded, e.RetryAfter
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	status := Status(e.Code)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ossgate"`)
	}
	writeJSON(w, status, body)
	return status
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own types are written; they always marshal
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalError","message":"internal error"}}`)
	}
	writeRaw(w, status, b)
}

// writeRaw writes the JSON document b and a newline as a response with
// status. The header keys are in canonical form already; their three values
// share one allocation (each slice capped, so an append copies).
func writeRaw(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	v := [...]string{"application/json; charset=utf-8", "no-store", "nosniff"}
	vs := v[:]
	h["Content-Type"], h["Cache-Control"], h["X-Content-Type-Options"] = vs[0:1:1], vs[1:2:2], vs[2:3:3]
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
