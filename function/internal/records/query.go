package records

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Query selects and pages a user's records. Its zero value (but for
// Limit, which must be at least 1) lists every record that is not deleted.
type Query struct {
	// Cursor is a previous Page.Next of the same user's listing; "" starts
	// at the newest record. A cursor is a position in the listing order, so
	// it stays valid when the filters change between pages.
	Cursor string
	Limit  int
	// Profile, when set, keeps the records of that profile only.
	Profile string
	// Status, when set, keeps the records of that status only; unset
	// keeps every record but deleted ones.
	Status string
	// Since, when set, keeps the records uploaded at or after it.
	Since time.Time
}

// Matches reports whether r passes q's filters (not its cursor).
func (q Query) Matches(r Record) bool {
	switch {
	case q.Profile != "" && r.Profile != q.Profile:
		return false
	case q.Status == "" && r.Status == StatusDeleted:
		return false
	case q.Status != "" && r.Status != q.Status:
		return false
	case !q.Since.IsZero() && ListTime(r) < max(q.Since.UnixNano(), 0):
		return false
	}
	return true
}

// ListTime is the time r is listed by: its upload time in Unix
// nanoseconds, where times before 1970 count as 1970.
func ListTime(r Record) int64 { return max(r.UploadedAt.UnixNano(), 0) }

// Position is a place in a user's listing: just after the record uploaded
// at At (ListTime) with ID.
type Position struct {
	At int64
	ID string
}

// PositionOf is the position just after r.
func PositionOf(r Record) Position { return Position{ListTime(r), r.ID} }

// After reports whether r comes after p in listing order (see Before).
func (p Position) After(r Record) bool {
	t := ListTime(r)
	return t < p.At || t == p.At && r.ID > p.ID
}

// NextCursor returns the Page.Next of a page of user's listing whose last
// record is r.
func NextCursor(user string, r Record) string {
	p := PositionOf(r)
	return EncodeCursor(user, strconv.FormatInt(p.At, 10)+":"+p.ID)
}

// DecodePosition returns the position q.Cursor holds in user's listing,
// and whether there is one (false for the first page). A cursor that is
// not one of this user's listing is an error wrapping ErrBadCursor.
func DecodePosition(user, cursor string) (Position, bool, error) {
	s, err := DecodeCursor(cursor, user)
	if err != nil || s == "" {
		return Position{}, false, err
	}
	at, id, ok := strings.Cut(s, ":")
	n, perr := strconv.ParseInt(at, 10, 64)
	if !ok || perr != nil || n < 0 || len(id) == 0 || len(id) > 64 {
		return Position{}, false, fmt.Errorf("%w: not one of this listing", ErrBadCursor)
	}
	return Position{n, id}, true, nil
}

// CheckQuery returns an error for a query no store can answer: a limit
// below 1.
func CheckQuery(q Query) error {
	if q.Limit < 1 {
		return fmt.Errorf("limit %d, want at least 1", q.Limit)
	}
	return nil
}

// PageOf returns the page of user's listing that q selects from rs, which
// are user's records in any order: the stores that hold a user's records
// in memory share it.
func PageOf(user string, rs []Record, q Query) (Page, error) {
	if err := CheckQuery(q); err != nil {
		return Page{}, err
	}
	pos, after, err := DecodePosition(user, q.Cursor)
	if err != nil {
		return Page{}, err
	}
	var sel []Record
	for _, r := range rs {
		if q.Matches(r) && (!after || pos.After(r)) {
			sel = append(sel, r)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return Before(sel[i], sel[j]) })
	p := Page{Records: sel[:min(q.Limit, len(sel))]}
	if len(sel) > q.Limit {
		p.Next = NextCursor(user, sel[q.Limit-1])
	}
	return p, nil
}
