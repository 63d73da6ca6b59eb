package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ossgate/ossgate/function/internal/records"
)

// admitAttempts bounds the transactions one Admit tries when the database
// aborts one as a deadlock or serialization failure.
const admitAttempts = 5

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Admit implements records.Driver: in one transaction it locks the user's
// quota row of the profile (created first if missing), counts, decides,
// and when admitting inserts the claims and counts the call against the
// rate. Concurrent admissions of one user and profile, in any instance,
// wait for the lock in turn; a transaction the database aborts as a
// deadlock is tried again.
func (s *driver) Admit(ctx context.Context, req records.AdmitRequest, decide func(records.Usage) records.Decision) (records.Decision, error) {
	if err := s.Migrate(ctx); err != nil {
		return records.Decision{}, err
	}
	uh := userHash(req.User)
	insert := s.q(`INSERT INTO {p}quota (user_hash, profile, rate_window_ns, rate_n) VALUES (` + s.args(1, 4) + `)`)
	if _, err := s.db.ExecContext(ctx, s.d.insertIgnore(insert, "user_hash, profile"), uh, req.Profile, 0, 0); err != nil {
		return records.Decision{}, s.wrap("admit", err)
	}
	for attempt := 1; ; attempt++ {
		d, err := s.admitTx(ctx, req, uh, decide)
		if err == nil {
			return d, nil
		}
		if !conflict(err) || attempt == admitAttempts {
			return records.Decision{}, s.wrap("admit", err)
		}
		select {
		case <-ctx.Done():
			return records.Decision{}, s.wrap("admit", ctx.Err())
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
}

func (s *driver) admitTx(ctx context.Context, req records.AdmitRequest, uh string, decide func(records.Usage) records.Decision) (records.Decision, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return records.Decision{}, err
	}
	defer func() { _ = tx.Rollback() }()
	var window, n int64
	err = tx.QueryRowContext(ctx, s.q(`SELECT rate_window_ns, rate_n FROM {p}quota WHERE user_hash = `+s.d.arg(1)+
		` AND profile = `+s.d.arg(2)+` FOR UPDATE`), uh, req.Profile).Scan(&window, &n)
	if err != nil {
		return records.Decision{}, err
	}
	u, err := s.usage(ctx, tx, req, uh, window, n)
	if err != nil {
		return records.Decision{}, err
	}
	d := decide(u)
	if !d.Admitted {
		return d, tx.Commit()
	}
	insert := s.d.insertIgnore(s.q(`INSERT INTO {p}claims (key_hash, user_hash, profile, size, issued_ns, expires_ns) VALUES (`+s.args(1, 6)+`)`), "key_hash")
	for _, c := range req.Claims {
		if _, err := tx.ExecContext(ctx, insert, records.KeyHash(c.Key), uh, req.Profile, c.Size, req.At.UnixNano(), c.Expires.UnixNano()); err != nil {
			return records.Decision{}, err
		}
	}
	rateStart := req.Limits.RateStart.UnixNano()
	if window != rateStart {
		window, n = rateStart, 0
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE {p}quota SET rate_window_ns = `+s.d.arg(1)+`, rate_n = `+s.d.arg(2)+
		` WHERE user_hash = `+s.d.arg(3)+` AND profile = `+s.d.arg(4)), window, n+1, uh, req.Profile); err != nil {
		return records.Decision{}, err
	}
	// Claims that expired long ago count for nothing any more.
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM {p}claims WHERE user_hash = `+s.d.arg(1)+` AND profile = `+s.d.arg(2)+
		` AND expires_ns < `+s.d.arg(3)), uh, req.Profile, req.At.Add(-time.Hour).UnixNano()); err != nil {
		return records.Decision{}, err
	}
	return d, tx.Commit()
}

// Usage implements records.Driver.
func (s *driver) Usage(ctx context.Context, req records.AdmitRequest) (records.Usage, error) {
	if err := s.Migrate(ctx); err != nil {
		return records.Usage{}, err
	}
	uh := userHash(req.User)
	var window, n int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT rate_window_ns, rate_n FROM {p}quota WHERE user_hash = `+s.d.arg(1)+
		` AND profile = `+s.d.arg(2)), uh, req.Profile).Scan(&window, &n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return records.Usage{}, s.wrap("usage", err)
	}
	u, err := s.usage(ctx, s.db, req, uh, window, n)
	if err != nil {
		return records.Usage{}, s.wrap("usage", err)
	}
	return u, nil
}

// usage counts the records of req's user and profile in its period and
// their claims valid at req.At through q; window and n are the quota row's
// rate columns.
func (s *driver) usage(ctx context.Context, q querier, req records.AdmitRequest, uh string, window, n int64) (records.Usage, error) {
	var u records.Usage
	l := req.Limits
	if window == l.RateStart.UnixNano() {
		u.Signs = int(n)
	}
	var files, claimFiles, bytes, claimBytes int64
	err := q.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(size), 0) FROM {p}records WHERE user_hash = `+s.d.arg(1)+
		` AND profile = `+s.d.arg(2)+` AND status <> `+s.d.arg(3)+` AND uploaded_ns >= `+s.d.arg(4)+` AND uploaded_ns < `+s.d.arg(5)),
		uh, req.Profile, records.StatusDeleted, l.PeriodStart.UnixNano(), l.PeriodEnd.UnixNano()).Scan(&files, &bytes)
	if err != nil {
		return u, err
	}
	var freed sql.NullInt64
	err = q.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(c.size), 0), MIN(c.expires_ns) FROM {p}claims c WHERE c.user_hash = `+
		s.d.arg(1)+` AND c.profile = `+s.d.arg(2)+` AND c.expires_ns > `+s.d.arg(3)+
		` AND c.issued_ns < `+s.d.arg(4)+` AND NOT EXISTS (SELECT 1 FROM {p}records r WHERE r.key_hash = c.key_hash)`),
		uh, req.Profile, req.At.UnixNano(), l.PeriodEnd.UnixNano()).Scan(&claimFiles, &claimBytes, &freed)
	if err != nil {
		return u, err
	}
	u.Files, u.Bytes = int(files+claimFiles), bytes+claimBytes
	if freed.Valid {
		u.FreedAt = time.Unix(0, freed.Int64).UTC()
	}
	return u, nil
}

// Release implements records.Driver.
func (s *driver) Release(ctx context.Context, user, profile, key string) error {
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM {p}claims WHERE key_hash = `+s.d.arg(1)+` AND user_hash = `+s.d.arg(2)+
		` AND profile = `+s.d.arg(3)), records.KeyHash(key), userHash(user), profile)
	if err != nil {
		return s.wrap("release", err)
	}
	return nil
}

// conflict reports whether err is a transaction the database aborted to
// settle a race (a deadlock, a lock wait timeout, a serialization
// failure): the transaction may simply be run again.
func conflict(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}
