package sign

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// itemPrefix is the path of one upload: /uploads/{id}, id a record ID.
const itemPrefix = "/uploads/"

// itemRoute returns the route of a /uploads/{id} path, GET or DELETE,
// when the handler serves uploads and path is one with a valid record ID
// (anything else under /uploads/, such as /uploads/multipart without the
// multipart endpoints, is no path: 404).
func (h *Handler) itemRoute(r *http.Request) (route, bool) {
	id, ok := strings.CutPrefix(r.URL.Path, itemPrefix)
	if !ok || h.o.Open == nil || !validID(id) {
		return route{}, false
	}
	return route{http.MethodGet: h.getUpload, http.MethodDelete: h.deleteUpload}, true
}

// validID reports whether id can be a record ID: 32 lower-case hex digits.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// errNoUpload is the 404 of an upload the caller does not have.
func errNoUpload(err error) *Error {
	return &Error{Code: wire.CodeNotFound, Message: "no such upload", Err: err}
}

// ownRecord authenticates a signed-in caller, opens the record store and
// reads the caller's record the /uploads/{id} path names.
func (h *Handler) ownRecord(r *http.Request, e *entry, what string) (auth.Identity, records.Store, records.Record, error) {
	id, s, err := h.ownerStore(r, e, what)
	if err != nil {
		return id, nil, records.Record{}, err
	}
	rid := strings.TrimPrefix(r.URL.Path, itemPrefix)
	if !validID(rid) {
		return id, nil, records.Record{}, errNoUpload(nil)
	}
	rec, err := s.Get(r.Context(), id.User, rid)
	if err != nil {
		return id, nil, records.Record{}, recordError(err)
	}
	e.keys = append(e.keys, rec.Key)
	return id, s, rec, nil
}

// getUpload serves GET /uploads/{id}: the caller's record, deleted or not,
// with its download URLs.
func (h *Handler) getUpload(w http.ResponseWriter, r *http.Request, e *entry) error {
	_, _, rec, err := h.ownRecord(r, e, "reading an upload")
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	v, err := h.viewOf(c, rec, h.o.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// recordError maps a Get or Delete error: not found is 404, anything else
// the store's.
func recordError(err error) *Error {
	if errors.Is(err, records.ErrNotFound) {
		return errNoUpload(err)
	}
	return storeError(err)
}

// deleteUpload serves DELETE /uploads/{id}: it deletes the caller's
// object, then marks the record deleted (kept, with deletedAt) and answers
// it. In that order, a failure half way is finished by the client's retry
// (deleting a deleted object is no error); deleting twice is 404. A
// quarantined object (moved or tagged) is left to operators.
func (h *Handler) deleteUpload(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, s, rec, err := h.ownRecord(r, e, "deleting an upload")
	if err != nil {
		return err
	}
	if rec.Status == records.StatusDeleted {
		return errNoUpload(nil)
	}
	if rec.OwnerDeletesObject() && h.layout.IsUploadKey(rec.Key) {
		if err := h.deleteObject(r, rec.Key); err != nil {
			return err
		}
	}
	rec, err = s.Delete(r.Context(), id.User, rec.ID, h.o.Now())
	if err != nil {
		return recordError(err)
	}
	if h.o.Notify != nil {
		if err := h.o.Notify(r.Context(), rec); err != nil {
			h.o.Logger.Warn("sign: the app was not told of a delete", "requestId", e.requestID, "id", rec.ID, "error", err.Error())
		}
	}
	writeJSON(w, http.StatusOK, wire.UploadView{Record: rec})
	return nil
}

// deleteObject deletes key with the request's credentials; a failure is
// 503, so that the client tries again.
func (h *Handler) deleteObject(r *http.Request, key string) error {
	o, err := h.o.Open.OSS(r.Context())
	if err == nil {
		err = o.Delete(key)
	}
	if err != nil {
		return openError(err, func(err error) *Error {
			return &Error{Code: wire.CodeStoreUnavailable, Message: "the object could not be deleted; try again", Err: err}
		})
	}
	return nil
}
