// Package sqlstore is the records.Store of a deployment that keeps its
// uploads in its own database: one database/sql store speaking two
// dialects, MySQL (RDS MySQL, PolarDB MySQL, MariaDB) through
// go-sql-driver/mysql and PostgreSQL (RDS, PolarDB) through pgx's stdlib
// driver, chosen by the URL of OSSGATE_RECORDS_DSN.
//
// The schema is created or migrated on first use, under a named lock so
// that instances starting at once take turns (schema.go). A record is one
// row whose primary key is its ID: an insert of an ID that exists does
// nothing, so a record is written exactly once however often its event
// comes. Listing is keyset-paginated, one query a page. Admissions lock
// the user's quota row (SELECT ... FOR UPDATE) for their transaction, so
// concurrent ones take turns across every instance.
//
// The DSN's password never appears in an error the store returns.
package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	_ "github.com/go-sql-driver/mysql" // the mysql driver
	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Options tunes a Store; the zero value is the default.
type Options struct {
	// TablePrefix names the store's tables; default "ossgate_". Tests give
	// each store its own.
	TablePrefix string
	// MaxOpenConns bounds the connections of the pool; default 8.
	MaxOpenConns int
}

// Store is a records.Store in a SQL database. It is safe for concurrent
// use; one Store (one connection pool) serves a whole function instance.
type Store struct {
	records.Store
	d *driver
}

// driver is the records.Driver of a Store.
type driver struct {
	db      *sql.DB
	d       dialect
	prefix  string
	secrets []string // the DSN's credentials, for redacting errors

	mu       sync.Mutex
	migrated bool
}

// Open returns the store of db. It does not connect: the schema is
// created or migrated by Migrate, or on the first call that needs it, so
// an instance that starts while the database is away still starts.
func Open(db config.RecordsDB, o Options) (*Store, error) {
	d, dsn, err := driverDSN(db)
	if err != nil {
		return nil, err
	}
	sdb, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", db.Redacted(), redactErr(err, db.Secrets()))
	}
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = 8
	}
	sdb.SetMaxOpenConns(o.MaxOpenConns)
	sdb.SetMaxIdleConns(o.MaxOpenConns)
	sdb.SetConnMaxIdleTime(time.Minute)
	sdb.SetConnMaxLifetime(5 * time.Minute)
	if o.TablePrefix == "" {
		o.TablePrefix = "ossgate_"
	}
	dr := &driver{db: sdb, d: d, prefix: o.TablePrefix, secrets: db.Secrets()}
	return &Store{Store: records.NewStore(dr), d: dr}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.d.db.Close() }

// Migrate creates or migrates the schema now (see schema.go). The other
// methods do it themselves when it has not been done yet.
func (s *Store) Migrate(ctx context.Context) error { return s.d.Migrate(ctx) }

// Migrate migrates the schema unless it has been.
func (s *driver) Migrate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.migrated {
		return nil
	}
	if err := s.migrate(ctx); err != nil {
		return s.wrap("migrate", err)
	}
	s.migrated = true
	return nil
}

// wrap returns err with the store's prefix and what failed, the password
// taken out of its message.
func (s *driver) wrap(what string, err error) error {
	return fmt.Errorf("sqlstore: %s: %w", what, redactErr(err, s.secrets))
}

// userHash is how a user id is matched: the hex SHA-256 of its bytes.
func userHash(user string) string {
	sum := sha256.Sum256([]byte(user))
	return hex.EncodeToString(sum[:])
}

// Put implements records.Driver.
func (s *driver) Put(ctx context.Context, r records.Record) error {
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sqlstore: put %s: %w", r.ID, err)
	}
	insert := s.q(`INSERT INTO {p}records (id, user_hash, profile, status, uploaded_ns, size, key_hash, deleted_ns, body) VALUES (` +
		s.args(1, 9) + `)`)
	var deleted sql.NullInt64
	if r.Status == records.StatusDeleted {
		deleted = sql.NullInt64{Int64: r.DeletedAt.UnixNano(), Valid: true}
	}
	_, err = s.db.ExecContext(ctx, s.d.insertIgnore(insert, "id"), r.ID, userHash(r.Uploader), r.Profile, r.Status,
		records.ListTime(r), r.Size, records.KeyHash(r.Key), deleted, string(body))
	if err != nil {
		return s.wrap("put "+r.ID, err)
	}
	return nil
}

// args returns the placeholders of arguments from to to (1-based),
// comma-separated.
func (s *driver) args(from, to int) string {
	ph := make([]string, 0, to-from+1)
	for n := from; n <= to; n++ {
		ph = append(ph, s.d.arg(n))
	}
	return strings.Join(ph, ", ")
}

// scanRecord decodes a row of (body, status, deleted_ns).
func scanRecord(scan func(...any) error) (records.Record, error) {
	var body, status string
	var deleted sql.NullInt64
	if err := scan(&body, &status, &deleted); err != nil {
		return records.Record{}, err
	}
	var r records.Record
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return records.Record{}, fmt.Errorf("a stored record: %w", err)
	}
	r.Status = status
	if deleted.Valid {
		r.DeletedAt = time.Unix(0, deleted.Int64).UTC()
	}
	return r, nil
}

// Get implements records.Driver.
func (s *driver) Get(ctx context.Context, user, id string) (records.Record, error) {
	if err := s.Migrate(ctx); err != nil {
		return records.Record{}, err
	}
	row := s.db.QueryRowContext(ctx, s.q(`SELECT body, status, deleted_ns FROM {p}records WHERE id = `+s.d.arg(1)+
		` AND user_hash = `+s.d.arg(2)), id, userHash(user))
	r, err := scanRecord(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return records.Record{}, fmt.Errorf("sqlstore: get %s: %w", id, records.ErrNotFound)
	}
	if err != nil {
		return records.Record{}, s.wrap("get "+id, err)
	}
	return r, nil
}

// Delete implements records.Driver: one conditional UPDATE, so that of two
// concurrent Deletes exactly one changes the row.
func (s *driver) Delete(ctx context.Context, user, id string, at time.Time) (records.Record, error) {
	if err := s.Migrate(ctx); err != nil {
		return records.Record{}, err
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE {p}records SET status = `+s.d.arg(1)+`, deleted_ns = `+s.d.arg(2)+
		` WHERE id = `+s.d.arg(3)+` AND user_hash = `+s.d.arg(4)+` AND status <> `+s.d.arg(5)),
		records.StatusDeleted, at.UnixNano(), id, userHash(user), records.StatusDeleted)
	if err != nil {
		return records.Record{}, s.wrap("delete "+id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return records.Record{}, s.wrap("delete "+id, err)
	} else if n == 0 {
		return records.Record{}, fmt.Errorf("sqlstore: delete %s: %w", id, records.ErrNotFound)
	}
	return s.Get(ctx, user, id)
}
