package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrations are the schema's versions in order: migrations[i] takes the
// schema from version i to i+1. A deployed version is never edited; a
// change is a new entry. {p} is the table prefix, {text} and {opts} the
// dialect's JSON column type and table options.
var migrations = [][]string{
	{
		// One row per record: the columns the listing, the filters and the
		// quota need, and the record itself as JSON. Users are matched by
		// the SHA-256 of their id, so that any id (of any length, with any
		// bytes, trailing spaces included) matches exactly under every
		// collation, and indexes stay small.
		`CREATE TABLE {p}records (
			id CHAR(32) NOT NULL PRIMARY KEY,
			user_hash CHAR(64) NOT NULL,
			profile VARCHAR(64) NOT NULL,
			status VARCHAR(16) NOT NULL,
			uploaded_ns BIGINT NOT NULL,
			size BIGINT NOT NULL,
			key_hash CHAR(32) NOT NULL,
			deleted_ns BIGINT NULL,
			body {text} NOT NULL
		){opts}`,
		`CREATE INDEX {p}records_list ON {p}records (user_hash, uploaded_ns, id)`,
		`CREATE INDEX {p}records_key ON {p}records (key_hash)`,
		// One row per ticket an admitted /sign handed out.
		`CREATE TABLE {p}claims (
			key_hash CHAR(32) NOT NULL PRIMARY KEY,
			user_hash CHAR(64) NOT NULL,
			profile VARCHAR(64) NOT NULL,
			size BIGINT NOT NULL,
			issued_ns BIGINT NOT NULL,
			expires_ns BIGINT NOT NULL
		){opts}`,
		`CREATE INDEX {p}claims_user ON {p}claims (user_hash, profile, expires_ns)`,
		// One row per user and profile: the lock admissions take, and the
		// rate window's count.
		`CREATE TABLE {p}quota (
			user_hash CHAR(64) NOT NULL,
			profile VARCHAR(64) NOT NULL,
			rate_window_ns BIGINT NOT NULL,
			rate_n INT NOT NULL,
			PRIMARY KEY (user_hash, profile)
		){opts}`,
	},
	{
		// The maintenance function lists the records still waiting for
		// a moderation verdict, oldest first, across users.
		`CREATE INDEX {p}records_status ON {p}records (status, uploaded_ns, id)`,
	},
}

// migrate brings the schema to the newest version: under the dialect's
// named lock, so that instances starting at once take turns, it creates
// the version table if missing, reads the version and applies the
// migrations after it, recording each. A schema newer than this binary
// knows is an error.
func (s *driver) migrate(ctx context.Context) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, s.d.lock).Scan(&got); err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	if !got.Valid || got.Int64 == 0 {
		return fmt.Errorf("schema lock: not granted in time (another instance is migrating)")
	}
	defer func() {
		// A fresh context: the lock must go even when ctx is done.
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), s.d.unlock); uerr != nil && err == nil {
			err = fmt.Errorf("schema unlock: %w", uerr)
		}
	}()
	if _, err := conn.ExecContext(ctx, s.ddl(`CREATE TABLE IF NOT EXISTS {p}schema (version INT NOT NULL){opts}`)); err != nil {
		return err
	}
	var version int
	switch err := conn.QueryRowContext(ctx, s.q(`SELECT version FROM {p}schema`)).Scan(&version); {
	case err == sql.ErrNoRows:
		if _, err := conn.ExecContext(ctx, s.q(`INSERT INTO {p}schema (version) VALUES (0)`)); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this binary knows (%d): deploy the newer binary", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		for _, stmt := range migrations[v] {
			if _, err := conn.ExecContext(ctx, s.ddl(stmt)); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if _, err := conn.ExecContext(ctx, s.q(`UPDATE {p}schema SET version = `+s.d.arg(1)), v+1); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	return nil
}

// ddl fills in a schema statement's placeholders.
func (s *driver) ddl(stmt string) string {
	return strings.NewReplacer("{p}", s.prefix, "{text}", s.d.text, "{opts}", s.d.tableOptions).Replace(stmt)
}

// q fills in a query's table prefix.
func (s *driver) q(query string) string { return strings.ReplaceAll(query, "{p}", s.prefix) }
