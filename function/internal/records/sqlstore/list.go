package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Select implements records.Driver: one query a page, keyset-paginated
// on (uploaded_ns, id) in the order records.Before defines.
func (s *driver) Select(ctx context.Context, user string, q records.Query, after *records.Position, n int) ([]records.Record, error) {
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	cond := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.Replace(c, "?", s.d.arg(len(args)), 1))
	}
	cond("user_hash = ?", userHash(user))
	if q.Profile != "" {
		cond("profile = ?", q.Profile)
	}
	if q.Status != "" {
		cond("status = ?", q.Status)
	} else {
		cond("status <> ?", records.StatusDeleted)
	}
	if !q.Since.IsZero() {
		cond("uploaded_ns >= ?", max(q.Since.UnixNano(), 0))
	}
	if after != nil {
		args = append(args, after.At, after.At, after.ID)
		n := len(args)
		where = append(where, fmt.Sprintf("(uploaded_ns < %s OR (uploaded_ns = %s AND id > %s))", s.d.arg(n-2), s.d.arg(n-1), s.d.arg(n)))
	}
	query := s.q(`SELECT body, status, deleted_ns FROM {p}records WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY uploaded_ns DESC, id ASC LIMIT %d`, n))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("list", err)
	}
	defer rows.Close()
	var rs []records.Record
	for rows.Next() {
		r, err := scanRecord(rows.Scan)
		if err != nil {
			return nil, s.wrap("list", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list", err)
	}
	return rs, nil
}
