package records

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Lister lists one user's records in listing order (see Before), the
// records q selects, one page of at most q.Limit (at least 1) records.
type Lister interface {
	List(ctx context.Context, user string, q Query) (Page, error)
}

// Store keeps records and the quota state of their users. NewStore makes
// one over a Driver; it is safe for concurrent use, also by several
// processes at once (every function instance opens its own).
type Store interface {
	Lister
	// Put stores r unless a record with r.ID is already stored, in which
	// case it does nothing and returns nil: the first write wins, so a
	// duplicate or retried event never changes a record. An empty r.ID is
	// an error.
	Put(ctx context.Context, r Record) error
	// Get returns user's record with the given ID, deleted or not, or an
	// error wrapping ErrNotFound (also for another user's record).
	Get(ctx context.Context, user, id string) (Record, error)
	// Delete marks user's record id deleted at at (StatusDeleted,
	// DeletedAt in UTC) and returns it. A record that is not user's, or is
	// deleted already, is an error wrapping ErrNotFound: of two concurrent
	// Deletes of one record exactly one succeeds.
	Delete(ctx context.Context, user, id string, at time.Time) (Record, error)
	// Admit decides req by Decide against the usage it counts (see Usage)
	// and, when it admits, keeps req's claims and counts the call against
	// the rate, atomically: however many Admits of one user and profile
	// run at once, in however many processes, no more are admitted than
	// the limits allow. A store that cannot settle a race in time refuses
	// with ExceededBusy rather than risk admitting too many.
	Admit(ctx context.Context, req AdmitRequest) (Decision, error)
	// Usage counts what req.User has used of req.Profile's limits at
	// req.At: records uploaded in the period (not deleted) plus claims
	// still valid at req.At and not recorded yet (a claim issued in an
	// earlier period counts in every period it can still be used in), and
	// admitted calls in the rate window. req.Claims is ignored.
	Usage(ctx context.Context, req AdmitRequest) (Usage, error)
	// Release drops user's claim on key under profile, as if it had
	// expired: the ticket it stood for was never handed out. No such
	// claim is not an error. The rate the admission used is kept.
	Release(ctx context.Context, user, profile, key string) error
	// Settle applies v (Verdict.Apply) to user's record id if it is
	// StatusPending, and returns the result; the change is a compare and
	// swap, so of concurrent Settles of one record exactly one succeeds.
	// A record that is not stored (or not user's) is an error wrapping
	// ErrNotFound; one that is not pending, settled or deleted, one
	// wrapping ErrNotPending. v must be valid (Status StatusOK or
	// StatusRejected, By set, At set).
	Settle(ctx context.Context, user, id string, v Verdict) (Record, error)
	// Pending returns the StatusPending records of every user uploaded
	// before before, oldest first (ListTime, then ID), at most n (at least
	// 1); when after is not nil, only those after it in that order (the
	// PositionOf the last record of the previous call).
	Pending(ctx context.Context, before time.Time, after *Position, n int) ([]Record, error)
}

// Driver is what a record store implements: storage only. NewStore wraps
// it in the Store its callers use, which checks every argument first,
// decodes cursors and makes pages, and makes every quota decision, so that
// a driver has none of these to get right or to forget. Its methods are
// Store's, with these differences: Put gets a record with an ID, and Delete
// a time in UTC; Select replaces List; Admit is handed the decision; Settle
// a checked verdict.
type Driver interface {
	Put(ctx context.Context, r Record) error
	Get(ctx context.Context, user, id string) (Record, error)
	Delete(ctx context.Context, user, id string, at time.Time) (Record, error)
	// Select returns, in listing order (see Before), the first n (at
	// least 2) of user's records that q's filters keep (Query.Matches)
	// and, when after is not nil, that come after it.
	Select(ctx context.Context, user string, q Query, after *Position, n int) ([]Record, error)
	// Admit counts req's usage as Usage does, calls decide with it and,
	// when the decision admits, keeps req's claims and counts the call
	// against the rate, all atomically (see Store.Admit), and returns the
	// decision. A driver that cannot settle a race in time returns an
	// error wrapping ErrBusy with the decision of its last attempt.
	Admit(ctx context.Context, req AdmitRequest, decide func(Usage) Decision) (Decision, error)
	Usage(ctx context.Context, req AdmitRequest) (Usage, error)
	Release(ctx context.Context, user, profile, key string) error
	// Settle gets a checked verdict whose At is in UTC.
	Settle(ctx context.Context, user, id string, v Verdict) (Record, error)
	Pending(ctx context.Context, before time.Time, after *Position, n int) ([]Record, error)
}

// ErrBusy is wrapped by a Driver's Admit error when concurrent admissions
// kept it from settling in time; Store.Admit answers it with Busy.
var ErrBusy = errors.New("records: concurrent admissions did not settle")

// NewStore returns the Store over d.
func NewStore(d Driver) Store { return checked{d} }

// checked is the Store over a Driver.
type checked struct{ d Driver }

func (c checked) Put(ctx context.Context, r Record) error {
	if r.ID == "" {
		return errors.New("records: put: empty id")
	}
	return c.d.Put(ctx, r)
}

func (c checked) Get(ctx context.Context, user, id string) (Record, error) {
	return c.d.Get(ctx, user, id)
}

func (c checked) Delete(ctx context.Context, user, id string, at time.Time) (Record, error) {
	return c.d.Delete(ctx, user, id, at.UTC())
}

// List checks q, decodes its cursor, selects one record more than a page
// and makes the page of the rest.
func (c checked) List(ctx context.Context, user string, q Query) (Page, error) {
	if err := checkQuery(q); err != nil {
		return Page{}, fmt.Errorf("records: list: %w", err)
	}
	pos, ok, err := decodePosition(user, q.Cursor)
	if err != nil {
		return Page{}, fmt.Errorf("records: list: %w", err)
	}
	var after *Position
	if ok {
		after = &pos
	}
	rs, err := c.d.Select(ctx, user, q, after, q.Limit+1)
	if err != nil {
		return Page{}, err
	}
	return pageOf(user, rs, q.Limit), nil
}

// pageOf returns the page of the first limit of rs, the records of user's
// listing that a query selected, one more than a page when there is a next
// page.
func pageOf(user string, rs []Record, limit int) Page {
	p := Page{Records: rs[:min(limit, len(rs))]}
	if len(rs) > limit {
		p.Next = nextCursor(user, rs[limit-1])
	}
	return p
}

func (c checked) Admit(ctx context.Context, req AdmitRequest) (Decision, error) {
	d, err := c.d.Admit(ctx, req, func(u Usage) Decision { return Decide(req, u) })
	if errors.Is(err, ErrBusy) {
		return Busy(req.At, d.Usage), nil
	}
	return d, err
}

func (c checked) Usage(ctx context.Context, req AdmitRequest) (Usage, error) {
	return c.d.Usage(ctx, req)
}

func (c checked) Release(ctx context.Context, user, profile, key string) error {
	return c.d.Release(ctx, user, profile, key)
}

func (c checked) Settle(ctx context.Context, user, id string, v Verdict) (Record, error) {
	if err := v.check(); err != nil {
		return Record{}, fmt.Errorf("records: settle %s: %w", id, err)
	}
	v.At = v.At.UTC()
	return c.d.Settle(ctx, user, id, v)
}

func (c checked) Pending(ctx context.Context, before time.Time, after *Position, n int) ([]Record, error) {
	if n < 1 {
		return nil, fmt.Errorf("records: pending: limit %d, want at least 1", n)
	}
	return c.d.Pending(ctx, before, after, n)
}
