package sign

import (
	"errors"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
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

// multipartCreate serves POST /uploads/multipart: it admits the upload
// through the profile's quota, initiates it with the invocation's
// credentials and answers the first part URLs. The key states the
// declared size (upload.SizedID), the only size the upload can have.
func (h *Handler) multipartCreate(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	var req wire.CreateRequest
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
	openid, err := h.openID(id, p)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	mp, err := h.oss(r.Context())
	if err != nil {
		return err
	}
	oid, err := h.objectID()
	if err != nil {
		return err
	}
	now := h.o.Now().UTC().Truncate(time.Second)
	ext, _ := config.Extension(f.Type) // validated types always have one
	key := h.layout.UploadKey(p.Name, id.User, now, upload.SizedID(oid, f.Size), ext)
	e.keys = append(e.keys, key)
	uploadID, err := h.initiate(r.Context(), mp, id.User, openid, p, f, key, now)
	if err != nil {
		return err
	}
	ps := partSigner{c: c, oss: &h.o.Config.OSS, key: key, uploadID: uploadID, s: s, expires: partURLExpiry(p), now: now}
	parts, err := ps.urls(s.firstMissing(nil, MaxPartURLs))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.CreateResponse{Upload: wire.MultipartUpload{
		Key: key, UploadID: uploadID, PartSize: s.partSize, PartCount: s.count, ObjectURL: h.publicURL(key),
		ExpiresAt: now.Add(ps.expires), Parts: parts,
	}})
	return nil
}

// multipartParts serves POST /uploads/multipart/parts: fresh URLs of the
// parts asked for (no OSS call: OSS checks the upload id on each PUT), or,
// without parts, the parts OSS has that fit the schedule and the URLs of
// the first missing ones: how a client resumes; that listing counts
// against the profile's rate.
func (h *Handler) multipartParts(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	var req wire.PartsRequest
	if err := decodeJSON(w, r, &req, `{"key":...,"uploadId":...,"size":...,"parts":[...]}`); err != nil {
		return err
	}
	p, s, err := h.ownUpload(id.User, req.UploadRef, req.Size, e)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	now := h.o.Now().UTC().Truncate(time.Second)
	ps := partSigner{c: c, oss: &h.o.Config.OSS, key: req.Key, uploadID: req.UploadID, s: s, expires: partURLExpiry(p), now: now}
	res := wire.PartsResponse{PartSize: s.partSize, PartCount: s.count}
	numbers := req.Parts
	if numbers != nil {
		if numbers, err = s.checkNumbers(numbers); err != nil {
			return err
		}
	} else {
		// A listing costs OSS calls (ListParts, up to 10 pages): it
		// counts against the caller's rate, as a POST /sign does.
		if err := h.admitCall(r.Context(), id.User, p, now); err != nil {
			return err
		}
		mp, err := h.oss(r.Context())
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
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	var req wire.CompleteRequest
	if err := decodeJSON(w, r, &req, `{"key":...,"uploadId":...,"size":...}`); err != nil {
		return err
	}
	_, s, err := h.ownUpload(id.User, req.UploadRef, req.Size, e)
	if err != nil {
		return err
	}
	user := id.User
	mp, err := h.oss(r.Context())
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
	if cc, ok := mp.(callbackCompleter); ok && h.o.Config.Callback.On() {
		return h.completeWithCallback(w, cc, mp, req, user, parts)
	}
	etag, err := mp.Complete(req.Key, req.UploadID, parts, true)
	if err != nil {
		return h.completedAlready(w, mp, req, user, err)
	}
	writeJSON(w, http.StatusOK, wire.CompleteResponse{Key: req.Key, ObjectURL: h.publicURL(req.Key), Size: req.Size, ETag: records.NormalizeETag(etag), RecordID: records.ID(h.o.Config.OSS.Bucket, req.Key)})
	return nil
}

// completedAlready answers a complete that failed with err: when err says
// the upload is gone, the key exists, or parts are missing (a racing
// complete took them), and the object at the key is the caller's with the
// declared size, that object; else the error.
func (h *Handler) completedAlready(w http.ResponseWriter, mp OSS, req wire.CompleteRequest, user string, err error) error {
	var e *Error
	if !errors.Is(err, ossclient.ErrNoSuchUpload) && !errors.Is(err, ossclient.ErrExists) && !(errors.As(err, &e) && e.Code == wire.CodePartsMissing) {
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
	writeJSON(w, http.StatusOK, wire.CompleteResponse{Key: req.Key, ObjectURL: h.publicURL(req.Key), Size: head.Size, ETag: records.NormalizeETag(head.ETag), RecordID: records.ID(h.o.Config.OSS.Bucket, req.Key)})
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
	if _, _, err := h.ownKey(id.User, ref, e); err != nil {
		return err
	}
	mp, err := h.oss(r.Context())
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

// ossError maps OSS's refusals the client can act on to their codes; any
// other failure is an internal error.
func ossError(err error) error {
	switch {
	case errors.Is(err, ossclient.ErrNoSuchUpload):
		return &Error{Code: wire.CodeNoSuchUpload, Message: "OSS knows no such upload: it was completed, aborted or never started", Err: err}
	case errors.Is(err, ossclient.ErrExists):
		return &Error{Code: wire.CodeFileAlreadyExists, Message: "an object exists at the upload's key", Err: err}
	}
	return err
}
