package sign

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// The multipart endpoints keep no state between calls: the part sizes
// follow from the declared size and the profile's part size, the owner
// from the key (package upload), and the rest comes from OSS, which checks
// that an upload id belongs to its key.
//
//	POST   /uploads/multipart           start an upload, with the first part URLs
//	POST   /uploads/multipart/parts     fresh part URLs, or (without parts) what is done and the missing parts' URLs
//	POST   /uploads/multipart/complete  check the parts against the schedule and complete
//	DELETE /uploads/multipart           abort

// MultipartFactory opens the OSS calls of the multipart endpoints for one
// request, with the credentials in ctx; errors wrapping creds.ErrNone
// become 503.
type MultipartFactory interface {
	MultipartFor(ctx context.Context) (MultipartOSS, error)
}

// MultipartOSS is what the multipart endpoints ask of OSS; ossclient.Multipart
// makes these calls.
type MultipartOSS interface {
	Initiate(key string, in ossclient.Initiation) (uploadID string, err error)
	ListParts(key, uploadID string) ([]ossclient.Part, error)
	Complete(key, uploadID string, parts []ossclient.Part, forbidOverwrite bool) (etag string, err error)
	Abort(key, uploadID string) error
	Head(key string) (ossclient.Head, error)
}

// Multipart limits.
const (
	// MaxPartURLs is the most part URLs one answer holds, and the most
	// part numbers one POST /uploads/multipart/parts may ask for.
	MaxPartURLs = 100
	// MaxPartURLExpiry bounds how long a part URL is valid; a profile with
	// a shorter expiry gives shorter ones.
	MaxPartURLExpiry = 15 * time.Minute
	// partContentType is the Content-Type every part PUT carries (OSS V4
	// signs it whenever a request has one, so the server fixes it).
	partContentType = "application/octet-stream"
)

func (h *Handler) addMultipartRoutes() {
	h.routes["/uploads/multipart"] = route{http.MethodPost: h.multipartCreate, http.MethodDelete: h.multipartAbort}
	h.routes["/uploads/multipart/parts"] = route{http.MethodPost: h.multipartParts}
	h.routes["/uploads/multipart/complete"] = route{http.MethodPost: h.multipartComplete}
}

// multipartCreate serves POST /uploads/multipart: it initiates the upload
// with the invocation's credentials and answers the first part URLs.
func (h *Handler) multipartCreate(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	var req CreateRequest
	if err := decodeJSON(w, r, &req, `{"profile":...,"file":{"name":...,"type":...,"size":...}}`); err != nil {
		return err
	}
	e.profile = req.Profile
	p, f, err := validateCreate(req, h.o.Config.Profiles)
	if err != nil {
		return err
	}
	e.profile = p.Name
	s, err := scheduleFor(p, f.Size)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	mp, err := h.multipartOSS(r.Context())
	if err != nil {
		return err
	}
	oid, err := h.o.NewID()
	if err != nil {
		return errors.Join(errors.New("sign: object id"), err)
	}
	now := h.o.Now().UTC().Truncate(time.Second)
	ext, _ := config.Extension(f.Type) // validated types always have one
	key := h.layout.UploadKey(p.Name, id.User, now, oid, ext)
	e.keys = append(e.keys, key)
	uploadID, err := mp.Initiate(key, initiation(id.User, p, f, upload.ContentDisposition(p.Disposition, f.Name)))
	if err != nil {
		return ossError(err)
	}
	if err := h.admitMultipart(r.Context(), mp, id.User, p, f, key, uploadID, now); err != nil {
		return err
	}
	ps := partSigner{c: c, oss: &h.o.Config.OSS, key: key, uploadID: uploadID, s: s, expires: partURLExpiry(p), now: now}
	parts, err := ps.urls(s.firstMissing(nil, MaxPartURLs))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, CreateResponse{Upload: MultipartUpload{
		Key: key, UploadID: uploadID, PartSize: s.partSize, PartCount: s.count, ObjectURL: h.objectURL(key),
		ExpiresAt: now.Add(ps.expires), Parts: parts,
	}})
	return nil
}

// multipartParts serves POST /uploads/multipart/parts: fresh URLs of the
// parts asked for (no OSS call: OSS checks the upload id on each PUT), or,
// without parts, the parts OSS has that fit the schedule and the URLs of
// the first missing ones: how a client resumes.
func (h *Handler) multipartParts(w http.ResponseWriter, r *http.Request, e *entry) error {
	var req PartsRequest
	_, p, s, err := h.openUpload(w, r, e, &req, &req.UploadRef, &req.Size, `{"key":...,"uploadId":...,"size":...,"parts":[...]}`)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	ps := partSigner{c: c, oss: &h.o.Config.OSS, key: req.Key, uploadID: req.UploadID, s: s, expires: partURLExpiry(p), now: h.o.Now().UTC().Truncate(time.Second)}
	res := PartsResponse{PartSize: s.partSize, PartCount: s.count}
	numbers := req.Parts
	if numbers != nil {
		if numbers, err = s.checkNumbers(numbers); err != nil {
			return err
		}
	} else {
		mp, err := h.multipartOSS(r.Context())
		if err != nil {
			return err
		}
		listed, err := mp.ListParts(req.Key, req.UploadID)
		if err != nil {
			return ossError(err)
		}
		res.Done = s.done(listed)
		numbers = s.firstMissing(res.Done, MaxPartURLs)
	}
	if res.Parts, err = ps.urls(numbers); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// multipartComplete serves POST /uploads/multipart/complete: it lists the
// parts itself, checks that they are exactly the schedule of the declared
// size, and completes with that list and x-oss-forbid-overwrite. An upload
// OSS no longer knows whose object exists, is the caller's and has the
// declared size was completed already (a retried or racing call): the
// answer is that object.
func (h *Handler) multipartComplete(w http.ResponseWriter, r *http.Request, e *entry) error {
	var req CompleteRequest
	user, _, s, err := h.openUpload(w, r, e, &req, &req.UploadRef, &req.Size, `{"key":...,"uploadId":...,"size":...}`)
	if err != nil {
		return err
	}
	mp, err := h.multipartOSS(r.Context())
	if err != nil {
		return err
	}
	listed, err := mp.ListParts(req.Key, req.UploadID)
	if err != nil {
		return h.completedAlready(w, mp, req, user, err)
	}
	parts, err := s.check(listed)
	if err != nil {
		return h.completedAlready(w, mp, req, user, err)
	}
	etag, err := mp.Complete(req.Key, req.UploadID, parts, true)
	if err != nil {
		return h.completedAlready(w, mp, req, user, err)
	}
	writeJSON(w, http.StatusOK, CompleteResponse{Key: req.Key, ObjectURL: h.objectURL(req.Key), Size: req.Size, ETag: records.NormalizeETag(etag)})
	return nil
}

// completedAlready answers a complete that failed with err: when err says
// the upload is gone, the key exists, or parts are missing (a racing
// complete took them), and the object at the key is the caller's with the
// declared size, that object; else the error.
func (h *Handler) completedAlready(w http.ResponseWriter, mp MultipartOSS, req CompleteRequest, user string, err error) error {
	var e *Error
	if !errors.Is(err, ossclient.ErrNoSuchUpload) && !errors.Is(err, ossclient.ErrExists) && !(errors.As(err, &e) && e.Code == CodePartsMissing) {
		return ossError(err)
	}
	head, herr := mp.Head(req.Key)
	switch {
	case ossclient.IsNotFound(herr):
		return ossError(err)
	case herr != nil:
		return errors.Join(err, herr)
	case head.Meta[upload.MetaUploader] != user || head.Size != req.Size:
		return ossError(err)
	}
	writeJSON(w, http.StatusOK, CompleteResponse{Key: req.Key, ObjectURL: h.objectURL(req.Key), Size: head.Size, ETag: records.NormalizeETag(head.ETag)})
	return nil
}

// multipartAbort serves DELETE /uploads/multipart: {key, uploadId} from
// the JSON body, or from the query when the body is empty (some HTTP stacks
// drop a DELETE's body). It answers 204.
func (h *Handler) multipartAbort(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	ref, err := abortRef(w, r)
	if err != nil {
		return err
	}
	if _, err := h.ownUpload(ref, id.User, e); err != nil {
		return err
	}
	mp, err := h.multipartOSS(r.Context())
	if err != nil {
		return err
	}
	if err := mp.Abort(ref.Key, ref.UploadID); err != nil {
		return ossError(err)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	e.status = http.StatusNoContent
	return nil
}

// openUpload authenticates the caller, reads the body into req (ref and
// size point into it), checks that the upload it names is the caller's,
// and returns the caller, the upload's profile and the schedule of its
// declared size.
func (h *Handler) openUpload(w http.ResponseWriter, r *http.Request, e *entry, req any, ref *UploadRef, size *int64, want string) (string, config.Profile, schedule, error) {
	id, err := h.authenticate(r, e)
	if err != nil {
		return "", config.Profile{}, schedule{}, err
	}
	if err := decodeJSON(w, r, req, want); err != nil {
		return "", config.Profile{}, schedule{}, err
	}
	p, err := h.ownUpload(*ref, id.User, e)
	if err != nil {
		return "", config.Profile{}, schedule{}, err
	}
	s, err := scheduleFor(p, *size)
	return id.User, p, s, err
}

// multipartOSS opens the request's OSS calls; no credentials is a 503.
func (h *Handler) multipartOSS(ctx context.Context) (MultipartOSS, error) {
	mp, err := h.o.Multipart.MultipartFor(ctx)
	if errors.Is(err, creds.ErrNone) {
		return nil, &Error{Code: CodeNoCredentials, Message: "no credentials to call OSS with: the function is not running with an execution role", Err: err}
	}
	return mp, err
}

// objectURL is where the object at key is served.
func (h *Handler) objectURL(key string) string {
	return h.o.Config.OSS.PublicBaseURL + "/" + upload.EscapeKey(key)
}

// ossError maps OSS's refusals the client can act on to their codes; any
// other failure is an internal error.
func ossError(err error) error {
	switch {
	case errors.Is(err, ossclient.ErrNoSuchUpload):
		return &Error{Code: CodeNoSuchUpload, Message: "OSS knows no such upload: it was completed, aborted or never started", Err: err}
	case errors.Is(err, ossclient.ErrExists):
		return &Error{Code: CodeFileAlreadyExists, Message: "an object exists at the upload's key", Err: err}
	}
	return err
}
