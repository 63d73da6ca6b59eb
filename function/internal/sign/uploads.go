package sign

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// Listing limits of GET /uploads.
const (
	DefaultLimit   = 20
	MaxLimit       = 100
	maxCursorBytes = 2048
)

// owner authenticates a caller of the /uploads routes: a signed-in user.
// Anonymous callers have no uploads to see (401): with anonymous signing
// every tokenless caller is the same user.
func (h *Handler) owner(r *http.Request, e *entry, what string) (auth.Identity, error) {
	id, err := h.authenticate(r, e)
	if err != nil {
		return id, err
	}
	if id.Anonymous {
		return id, errorf(wire.CodeUnauthenticated, "%s needs a bearer token", what)
	}
	return id, nil
}

// ownerStore authenticates a signed-in caller (see owner) and opens the
// record store.
func (h *Handler) ownerStore(r *http.Request, e *entry, what string) (auth.Identity, records.Store, error) {
	id, err := h.owner(r, e, what)
	if err != nil {
		return id, nil, err
	}
	s, err := h.store(r.Context())
	return id, s, err
}

// uploads serves GET /uploads?limit=&cursor=&profile=&status=&since=: the
// caller's records, newest first, each with its download URLs. The user
// comes from the token only.
func (h *Handler) uploads(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, s, err := h.ownerStore(r, e, "listing uploads")
	if err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	c, err := h.credentials(r.Context())
	if err != nil {
		return err
	}
	page, err := s.List(r.Context(), id.User, q)
	if err != nil {
		return listError(err)
	}
	vs, err := h.views(c, page.Records, h.o.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.UploadsPage{Records: vs, Next: page.Next})
	return nil
}

// listError maps a List error: a foreign cursor is the client's.
func listError(err error) error {
	if errors.Is(err, records.ErrBadCursor) {
		return &Error{Code: wire.CodeInvalidCursor, Message: "cursor is not one this service issued", Err: err}
	}
	return storeError(err)
}

// listQuery reads the query parameters of GET /uploads.
func listQuery(r *http.Request) (records.Query, error) {
	v := r.URL.Query()
	q := records.Query{Limit: DefaultLimit, Cursor: v.Get("cursor"), Profile: v.Get("profile"), Status: v.Get("status")}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return q, errorf(wire.CodeInvalidLimit, "limit must be an integer from 1 to %d", MaxLimit)
		}
		q.Limit = n
	}
	if len(q.Cursor) > maxCursorBytes {
		return q, errorf(wire.CodeInvalidCursor, "cursor is not one this service issued")
	}
	if q.Profile != "" && !config.ValidProfileName(q.Profile) {
		return q, errorf(wire.CodeInvalidFilter, "profile must be a profile name (%s)", config.ProfileNamePattern)
	}
	switch q.Status {
	case "", records.StatusOK, records.StatusPending, records.StatusRejected, records.StatusQuarantined, records.StatusDeleted:
	default:
		return q, errorf(wire.CodeInvalidFilter, "status must be %s, %s, %s, %s or %s", records.StatusOK, records.StatusPending,
			records.StatusRejected, records.StatusQuarantined, records.StatusDeleted)
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, errorf(wire.CodeInvalidFilter, "since must be an RFC 3339 time, like 2026-11-25T00:00:00Z")
		}
		q.Since = t
	}
	return q, nil
}
