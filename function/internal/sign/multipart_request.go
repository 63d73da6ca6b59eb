package sign

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// CreateRequest is the body of POST /uploads/multipart.
type CreateRequest struct {
	Profile string      `json:"profile"`
	File    FileRequest `json:"file"`
}

// UploadRef names a multipart upload: its key and OSS's upload id.
type UploadRef struct {
	Key      string `json:"key"`
	UploadID string `json:"uploadId"`
}

// PartsRequest is the body of POST /uploads/multipart/parts. Parts nil
// (absent or null) asks what is done; otherwise it lists 1 to MaxPartURLs
// part numbers.
type PartsRequest struct {
	UploadRef
	Size  int64 `json:"size"`
	Parts []int `json:"parts"`
}

// CompleteRequest is the body of POST /uploads/multipart/complete.
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
	Parts     []PartURL `json:"parts"`     // the first MaxPartURLs parts
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
}

// validateCreate checks req as POST /sign checks a request of that one
// file (messages name "file" rather than "files[0]"), and that the profile
// allows multipart.
func validateCreate(req CreateRequest, profiles map[string]config.Profile) (config.Profile, FileRequest, error) {
	one := Request{Profile: req.Profile, Files: []FileRequest{req.File}}
	p, err := validate(&one, profiles)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Message = strings.Replace(e.Message, "files[0]: ", "file: ", 1)
		}
		return p, FileRequest{}, err
	}
	if p.Multipart == nil {
		return p, FileRequest{}, errorf(CodeMultipartNotAllowed, "profile %s takes form uploads only (POST /sign)", p.Name)
	}
	return p, one.Files[0], nil
}

// multipartRequired refuses form tickets for the files at or above the
// profile's multipart threshold: MultipartRequired with the threshold and
// the part size beside code and message.
func multipartRequired(p config.Profile, files []FileRequest) error {
	if p.Multipart == nil {
		return nil
	}
	for i, f := range files {
		if f.Size >= p.Multipart.Threshold {
			return &Error{Code: CodeMultipartRequired,
				Message: fmt.Sprintf("files[%d]: %d bytes: profile %s takes files of %d bytes or more by multipart upload (POST /uploads/multipart)", i, f.Size, p.Name, p.Multipart.Threshold),
				Details: map[string]any{"threshold": p.Multipart.Threshold, "partSize": p.Multipart.PartSize}}
		}
	}
	return nil
}

// ownUpload checks that ref names a multipart upload of user under a
// profile that allows multipart, and returns that profile: InvalidUpload
// when the key or the upload id is malformed, not an upload key, or of a
// profile without multipart; Forbidden when the key is another user's.
func (h *Handler) ownUpload(ref UploadRef, user string, e *entry) (config.Profile, error) {
	if ref.Key == "" || ref.UploadID == "" {
		return config.Profile{}, errorf(CodeInvalidUpload, "key and uploadId are required")
	}
	if !validUploadID(ref.UploadID) {
		return config.Profile{}, errorf(CodeInvalidUpload, "uploadId is not an OSS upload id")
	}
	k, ok := h.layout.ParseUploadKey(ref.Key)
	if !ok {
		return config.Profile{}, errorf(CodeInvalidUpload, "key %.200q is not an upload key of this service", ref.Key)
	}
	e.profile, e.keys = k.Profile, append(e.keys, ref.Key)
	if !k.OwnedBy(user) {
		return config.Profile{}, errorf(CodeForbidden, "the upload belongs to another user")
	}
	p, ok := h.o.Config.Profiles[k.Profile]
	if !ok || p.Multipart == nil {
		return config.Profile{}, errorf(CodeInvalidUpload, "profile %s has no multipart uploads", k.Profile)
	}
	return p, nil
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
func abortRef(w http.ResponseWriter, r *http.Request) (UploadRef, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return UploadRef{}, errorf(CodeBodyTooLarge, "request body larger than %d bytes", MaxBodyBytes)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		q := r.URL.Query()
		return UploadRef{Key: q.Get("key"), UploadID: q.Get("uploadId")}, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var ref UploadRef
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
		return schedule{}, errorf(CodeTooManyParts, "%d parts of %d bytes: at most %d", s.count, s.partSize, config.MaxParts)
	}
	return s, nil
}

// partURLExpiry is how long p's part URLs are valid: its expiry, at most
// MaxPartURLExpiry.
func partURLExpiry(p config.Profile) time.Duration {
	return min(p.Expiry, MaxPartURLExpiry).Truncate(time.Second)
}
