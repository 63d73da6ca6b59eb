package sign

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ossgate/ossgate/function/wire"
)

// Error is an error with a code a client can act on (one of wire's codes).
// Message is shown to the client; Err (never shown) is the cause, for the
// log.
type Error struct {
	Code    string
	Message string
	Err     error
	// Extra holds the error body's fields beyond code and message
	// (QuotaExceeded's exceeded and retryAfter, PartsMissing's missing, …);
	// its Code, Message and RequestID are not used.
	Extra wire.Error
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

// asError returns err as an *Error; anything else is an internal error whose
// cause stays out of the response.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: wire.CodeInternal, Message: "internal error", Err: err}
}

// noCredentials is the 503 of a request whose invocation carries no
// credentials (err wraps creds.ErrNone): the function runs without an
// execution role.
func noCredentials(err error) *Error {
	return &Error{Code: wire.CodeNoCredentials, Message: "no credentials: the function is not running with an execution role", Err: err}
}

// writeError writes e as a JSON error response (status from wire.Status)
// and returns its status.
func writeError(w http.ResponseWriter, e *Error, requestID string) int {
	body := wire.ErrorBody{Error: e.Extra}
	body.Error.Code, body.Error.Message, body.Error.RequestID = e.Code, e.Message, requestID
	if e.Extra.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.Extra.RetryAfter))
	}
	status := wire.Status(e.Code)
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
