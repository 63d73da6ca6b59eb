package sign

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Listing limits of GET /uploads.
const (
	DefaultLimit   = 20
	MaxLimit       = 100
	maxCursorBytes = 2048
)

// uploads serves GET /uploads?cursor=&limit=: the caller's records, newest
// first. The user comes from the token only, and anonymous callers have no
// records to see (401): with anonymous signing every tokenless caller is the
// same user.
func (h *Handler) uploads(w http.ResponseWriter, r *http.Request, e *entry) error {
	id, err := h.authenticate(r, e)
	if err != nil {
		return err
	}
	if id.Anonymous {
		return errorf(CodeUnauthenticated, "listing uploads needs a bearer token")
	}
	q := r.URL.Query()
	limit := DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return errorf(CodeInvalidLimit, "limit must be an integer from 1 to %d", MaxLimit)
		}
		limit = n
	}
	cursor := q.Get("cursor")
	if len(cursor) > maxCursorBytes {
		return errorf(CodeInvalidCursor, "cursor is not one this service issued")
	}
	lister, err := h.o.Listers.ListerFor(r.Context())
	if errors.Is(err, creds.ErrNone) {
		return &Error{Code: CodeNoCredentials, Message: "no credentials to read records with", Err: err}
	} else if err != nil {
		return err
	}
	page, err := lister.List(r.Context(), id.User, cursor, limit)
	if errors.Is(err, records.ErrBadCursor) {
		return &Error{Code: CodeInvalidCursor, Message: "cursor is not one this service issued", Err: err}
	} else if err != nil {
		return err
	}
	if page.Records == nil {
		page.Records = []records.Record{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
