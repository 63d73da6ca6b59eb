package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Settle implements records.Driver: the record is read, settled in memory
// and written back by one UPDATE conditional on its status still being
// pending, so of concurrent Settles (or a Settle and a Delete) exactly one
// changes the row.
func (s *driver) Settle(ctx context.Context, user, id string, v records.Verdict) (records.Record, error) {
	r, err := s.Get(ctx, user, id) // migrates
	if err != nil {
		return records.Record{}, err
	}
	if r.Status != records.StatusPending {
		return records.Record{}, fmt.Errorf("sqlstore: settle %s (%s): %w", id, r.Status, records.ErrNotPending)
	}
	r = v.Apply(r)
	body, err := json.Marshal(r)
	if err != nil {
		return records.Record{}, fmt.Errorf("sqlstore: settle %s: %w", id, err)
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE {p}records SET status = `+s.d.arg(1)+`, body = `+s.d.arg(2)+
		` WHERE id = `+s.d.arg(3)+` AND user_hash = `+s.d.arg(4)+` AND status = `+s.d.arg(5)),
		r.Status, string(body), id, userHash(user), records.StatusPending)
	if err != nil {
		return records.Record{}, s.wrap("settle "+id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return records.Record{}, s.wrap("settle "+id, err)
	} else if n == 0 {
		return records.Record{}, fmt.Errorf("sqlstore: settle %s: settled or deleted meanwhile: %w", id, records.ErrNotPending)
	}
	return r, nil
}

// Pending implements records.Driver: one query on the (status,
// uploaded_ns) index, keyset-paginated oldest first.
func (s *driver) Pending(ctx context.Context, before time.Time, after *records.Position, n int) ([]records.Record, error) {
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	a := s.d.arg
	query := `SELECT body, status, deleted_ns FROM {p}records WHERE status = ` + a(1) + ` AND uploaded_ns < ` + a(2)
	args := []any{records.StatusPending, before.UnixNano()}
	if after != nil {
		query += ` AND (uploaded_ns > ` + a(3) + ` OR (uploaded_ns = ` + a(4) + ` AND id > ` + a(5) + `))`
		args = append(args, after.At, after.At, after.ID)
	}
	query += fmt.Sprintf(` ORDER BY uploaded_ns ASC, id ASC LIMIT %d`, n)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap("pending", err)
	}
	defer rows.Close()
	var rs []records.Record
	for rows.Next() {
		r, err := scanRecord(rows.Scan)
		if err != nil {
			return nil, s.wrap("pending", err)
		}
		rs = append(rs, r)
	}
	return rs, s.errOrNil("pending", rows.Err())
}

// errOrNil wraps err as wrap does, or returns nil.
func (s *driver) errOrNil(what string, err error) error {
	if err == nil {
		return nil
	}
	return s.wrap(what, err)
}
