package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// Recorder checks and records one uploaded object synchronously, with the
// record function's own code (record.Handler.RecordObject), and returns
// its record.
type Recorder interface {
	Record(ctx context.Context, bucket, key, etag string) (records.Record, error)
}

// CallbackTimeout bounds the work of one POST /callback: OSS waits 5
// seconds for the answer ("Callback" page), then answers the upload 203
// CallbackFailed, and the client falls back to GET /uploads/{id}.
const CallbackTimeout = 4 * time.Second

// callbackBody is what OSS posts to /callback: the ticket's callbackBody
// with OSS's variables filled in. Size arrives as a JSON number or string.
type callbackBody struct {
	Bucket   string          `json:"bucket"`
	Object   string          `json:"object"`
	ETag     string          `json:"etag"`
	Size     json.RawMessage `json:"size"`
	MimeType string          `json:"mimeType"`
	Uploader string          `json:"uploader"`
	Profile  string          `json:"profile"`
}

// callback serves POST /callback, OSS's upload callback: it verifies OSS's
// signature (a forged, unsigned or edited callback, or one signed with a
// key off OSS's key host, is 403 and records nothing), checks that the
// object is an upload in this function's bucket, records it as the record
// function does, and answers the record, which OSS relays to the uploader.
func (h *Handler) callback(w http.ResponseWriter, r *http.Request, e *entry) error {
	ctx, cancel := context.WithTimeout(r.Context(), CallbackTimeout)
	defer cancel()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return errorf(wire.CodeBadRequest, "the callback body cannot be read (at most %d bytes)", MaxBodyBytes)
	}
	if err := h.keys.verify(ctx, r, body); err != nil {
		return callbackRefused(err)
	}
	b, err := decodeCallback(body)
	if err != nil {
		return err
	}
	e.keys = append(e.keys, b.Object)
	if b.Bucket != h.o.Config.OSS.Bucket || !h.layout.IsUploadKey(b.Object) {
		return errorf(wire.CodeForbidden, "the callback is about %.80q in bucket %.64q, not an upload of this function", b.Object, b.Bucket)
	}
	rec, err := h.o.Recorder.Record(ctx, b.Bucket, b.Object, b.ETag)
	if err != nil {
		return fmt.Errorf("sign: callback: record: %w", err)
	}
	e.user, e.profile = rec.Uploader, rec.Profile
	if b.Uploader != rec.Uploader || b.Profile != rec.Profile {
		h.o.Logger.WarnContext(ctx, "sign: callback variables differ from the object's metadata (the record follows the metadata)",
			"key", rec.Key, "uploader", b.Uploader, "profile", b.Profile)
	}
	writeJSON(w, http.StatusOK, wire.CallbackAnswer{Record: rec})
	return nil
}

// decodeCallback decodes and checks a verified callback body.
func decodeCallback(body []byte) (callbackBody, error) {
	var b callbackBody
	if err := json.Unmarshal(body, &b); err != nil {
		return b, errorf(wire.CodeBadRequest, "the callback body is not the ticket's JSON: %v", err)
	}
	if b.Bucket == "" || b.Object == "" {
		return b, errorf(wire.CodeBadRequest, "the callback body lacks bucket or object")
	}
	if len(b.Size) > 0 {
		var s string
		if json.Unmarshal(b.Size, &s) != nil {
			s = string(b.Size)
		}
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return b, errorf(wire.CodeBadRequest, "the callback's size %.40q is not a number", b.Size)
		}
	}
	return b, nil
}

// callbackRefused is the answer to a callback whose signature does not
// hold: 403. A key that could not be fetched is another matter: an
// internal error (OSS then answers the upload 203 CallbackFailed and the
// upload falls back to its event).
func callbackRefused(err error) error {
	if errors.Is(err, errNoSignature) || errors.Is(err, errKeyHost) || errors.Is(err, errBadSig) {
		return &Error{Code: wire.CodeForbidden, Message: "the callback is not signed by OSS", Err: err}
	}
	return fmt.Errorf("sign: callback: %w", err)
}
