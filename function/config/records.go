package config

import (
	"net/url"
	"strings"
)

// VarRecordsDSN names the database the records live in; unset keeps them
// in the bucket (the OSS record store).
const VarRecordsDSN = "OSSGATE_RECORDS_DSN"

// Database kinds a RecordsDB names.
const (
	DBMySQL    = "mysql"    // MySQL, MariaDB, RDS MySQL, PolarDB MySQL
	DBPostgres = "postgres" // PostgreSQL, RDS PostgreSQL, PolarDB PostgreSQL
)

// RecordsDB is the database of the SQL record store; its zero value means
// none (the OSS record store). Its DSN holds a password: log Redacted,
// never DSN.
type RecordsDB struct {
	Kind string // DBMySQL or DBPostgres
	// DSN is the URL as configured: mysql://user:pass@host:port/db?params
	// or postgres://user:pass@host:port/db?params (postgresql:// too).
	DSN string
}

// On reports whether a database is configured.
func (d RecordsDB) On() bool { return d.DSN != "" }

// Redacted is the DSN with its password replaced by "xxxxx": the only
// form of it that may be logged or shown in an error.
func (d RecordsDB) Redacted() string { return RedactDSN(d.DSN) }

// RedactDSN returns dsn with the password of its URL replaced by "xxxxx";
// text that is not a URL with a user comes back as "(unparsable DSN)"
// unless it holds no '@' (then it has no password to hide).
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if strings.Contains(dsn, "@") {
			return "(unparsable DSN)"
		}
		return dsn
	}
	return u.Redacted()
}

// recordsDB reads and checks VarRecordsDSN.
func (l *loader) recordsDB() RecordsDB {
	dsn := l.get(VarRecordsDSN, "")
	if dsn == "" {
		return RecordsDB{}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		l.fail("%s: not a URL (mysql://user:password@host:port/database or postgres://...): %s", VarRecordsDSN, RedactDSN(dsn))
		return RecordsDB{}
	}
	kind := map[string]string{"mysql": DBMySQL, "postgres": DBPostgres, "postgresql": DBPostgres}[u.Scheme]
	switch {
	case kind == "":
		l.fail("%s: want a mysql:// or postgres:// URL, got scheme %q", VarRecordsDSN, u.Scheme)
	case u.Host == "" || u.User == nil || u.User.Username() == "":
		l.fail("%s: want user@host in %s", VarRecordsDSN, RedactDSN(dsn))
	case strings.Trim(u.Path, "/") == "" || strings.Contains(strings.Trim(u.Path, "/"), "/"):
		l.fail("%s: want one database name as the path of %s", VarRecordsDSN, RedactDSN(dsn))
	default:
		return RecordsDB{Kind: kind, DSN: dsn}
	}
	return RecordsDB{}
}
