package sign

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// validateCreate checks req as POST /sign checks a request of that one
// file (messages name "file" rather than "files[0]"), and that the profile
// allows multipart.
func validateCreate(req wire.CreateRequest, profiles map[string]config.Profile) (config.Profile, wire.File, error) {
	one := wire.SignRequest{Profile: req.Profile, Files: []wire.File{req.File}}
	p, err := validate(&one, profiles)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Message = strings.Replace(e.Message, "files[0]: ", "file: ", 1)
		}
		return p, wire.File{}, err
	}
	if p.Multipart == nil {
		return p, wire.File{}, errorf(wire.CodeMultipartNotAllowed, "profile %s takes form uploads only (POST /sign)", p.Name)
	}
	return p, one.Files[0], nil
}

// multipartRequired refuses form tickets for the files at or above the
// profile's multipart threshold: MultipartRequired with the threshold and
// the part size beside code and message.
func multipartRequired(p config.Profile, files []wire.File) error {
	if p.Multipart == nil {
		return nil
	}
	for i, f := range files {
		if f.Size >= p.Multipart.Threshold {
			return &Error{Code: wire.CodeMultipartRequired,
				Message: fmt.Sprintf("files[%d]: %d bytes: profile %s takes files of %d bytes or more by multipart upload (POST /uploads/multipart)", i, f.Size, p.Name, p.Multipart.Threshold),
				Extra:   wire.Error{Threshold: p.Multipart.Threshold, PartSize: p.Multipart.PartSize}}
		}
	}
	return nil
}

// ownUpload checks that ref names a multipart upload of user (see ownKey),
// that size fits its profile (see scheduleFor) and that the upload was
// started with size bytes (UploadSizeMismatch, 409, when it was started
// with another size; the key states it), and returns its profile and the
// schedule of size.
func (h *Handler) ownUpload(user string, ref wire.UploadRef, size int64, e *entry) (config.Profile, schedule, error) {
	p, k, err := h.ownKey(user, ref, e)
	if err != nil {
		return p, schedule{}, err
	}
	s, err := scheduleFor(p, size)
	if err != nil {
		return p, s, err
	}
	started, ok := k.DeclaredSize()
	if !ok {
		return p, schedule{}, errorf(wire.CodeInvalidUpload, "key %.200q is not a multipart upload key of this service", ref.Key)
	}
	if size != started {
		return p, schedule{}, &Error{Code: wire.CodeUploadSizeMismatch, Extra: wire.Error{Size: started},
			Message: fmt.Sprintf("size %d: the upload was started with %d bytes, the only size it can have", size, started)}
	}
	return p, s, nil
}

// ownKey checks that ref names a multipart upload of user under a
// profile that allows multipart, and returns that profile: InvalidUpload
// when the key or the upload id is malformed, not an upload key, or of a
// profile without multipart; Forbidden when the key is another user's. It
// also returns the key's parts.
func (h *Handler) ownKey(user string, ref wire.UploadRef, e *entry) (config.Profile, upload.KeyParts, error) {
	if ref.Key == "" || ref.UploadID == "" {
		return config.Profile{}, upload.KeyParts{}, errorf(wire.CodeInvalidUpload, "key and uploadId are required")
	}
	if !validUploadID(ref.UploadID) {
		return config.Profile{}, upload.KeyParts{}, errorf(wire.CodeInvalidUpload, "uploadId is not an OSS upload id")
	}
	k, ok := h.layout.ParseUploadKey(ref.Key)
	if !ok {
		return config.Profile{}, upload.KeyParts{}, errorf(wire.CodeInvalidUpload, "key %.200q is not an upload key of this service", ref.Key)
	}
	e.profile, e.keys = k.Profile, append(e.keys, ref.Key)
	if !k.OwnedBy(user) {
		return config.Profile{}, upload.KeyParts{}, errorf(wire.CodeForbidden, "the upload belongs to another user")
	}
	p, ok := h.o.Config.Profiles[k.Profile]
	if !ok || p.Multipart == nil {
		return config.Profile{}, upload.KeyParts{}, errorf(wire.CodeInvalidUpload, "profile %s has no multipart uploads", k.Profile)
	}
	return p, k, nil
}

// validUploadID reports whether id is 1-128 of [A-Za-z0-9._-], which every
// OSS upload id (32 hex digits) is.
func validUploadID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// abortRef reads the {key, uploadId} of a DELETE: from the JSON body, or
// from the query parameters key and uploadId when the body is empty.
func abortRef(w http.ResponseWriter, r *http.Request) (wire.UploadRef, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return wire.UploadRef{}, errorf(wire.CodeBodyTooLarge, "request body larger than %d bytes", MaxBodyBytes)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		q := r.URL.Query()
		return wire.UploadRef{Key: q.Get("key"), UploadID: q.Get("uploadId")}, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var ref wire.UploadRef
	err = decodeJSON(w, r, &ref, `{"key":...,"uploadId":...}`)
	return ref, err
}

// scheduleFor checks a declared size against p and returns its schedule:
// InvalidSize, FileTooLarge, FileTooSmall or TooManyParts.
func scheduleFor(p config.Profile, size int64) (schedule, error) {
	if e := sizeError(p, size); e != nil {
		return schedule{}, e
	}
	s := newSchedule(size, p.Multipart.PartSize)
	if s.count > config.MaxParts {
		return schedule{}, errorf(wire.CodeTooManyParts, "%d parts of %d bytes: at most %d", s.count, s.partSize, config.MaxParts)
	}
	return s, nil
}

// partURLExpiry is how long p's part URLs are valid: its expiry, at most
// MaxPartURLExpiry.
func partURLExpiry(p config.Profile) time.Duration {
	return min(p.Expiry, MaxPartURLExpiry).Truncate(time.Second)
}
