package records

import (
	"fmt"
	"sort"
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

// checkQuery returns an error for a query no store can answer: a limit
// below 1.
func checkQuery(q Query) error {
	if q.Limit < 1 {
		return fmt.Errorf("limit %d, want at least 1", q.Limit)
	}
	return nil
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

// Select is Driver.Select over rs, one user's records in any order: the
// drivers that hold a user's records in memory share it. It returns a new
// slice.
func Select(rs []Record, q Query, after *Position, n int) []Record {
	var sel []Record
	for _, r := range rs {
		if q.Matches(r) && (after == nil || after.After(r)) {
			sel = append(sel, r)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return Before(sel[i], sel[j]) })
	return sel[:min(n, len(sel))]
}
