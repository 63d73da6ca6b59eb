package sqlstore

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ossgate/ossgate/function/config"
)

// dialect is what differs between the two SQL dialects the store speaks:
// the driver and its DSN, placeholders, the do-nothing insert, the schema
// lock and the column types. Everything else is the common subset.
type dialect struct {
	kind, driver string
	// arg returns the placeholder of the n-th (1-based) argument.
	arg func(n int) string
	// insertIgnore wraps "INSERT INTO t (cols) VALUES (...)" so that a row
	// whose primary key (the columns keys, comma-separated) exists already
	// is left as it is, without error. (MySQL's INSERT IGNORE would also
	// turn data errors into warnings; this does not.)
	insertIgnore func(insert, keys string) string
	// lock and unlock take and release the schema lock, a session-level
	// named lock, on one connection.
	lock, unlock string
	// tableOptions follow every CREATE TABLE.
	tableOptions string
	// text is the column type of a record's JSON.
	text string
}

var mysqlDialect = dialect{
	kind: config.DBMySQL, driver: "mysql",
	arg: func(int) string { return "?" },
	insertIgnore: func(insert, keys string) string {
		first, _, _ := strings.Cut(keys, ",")
		return insert + " ON DUPLICATE KEY UPDATE " + first + " = " + first
	},
	lock:   "SELECT GET_LOCK('ossgate_schema', 60)",
	unlock: "SELECT RELEASE_LOCK('ossgate_schema')",
	// utf8mb4 and a binary collation whatever the database's defaults
	// are (RDS databases are often latin1 or utf8mb3).
	tableOptions: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	text:         "MEDIUMTEXT",
}

var postgresDialect = dialect{
	kind: config.DBPostgres, driver: "pgx",
	arg: func(n int) string { return "$" + strconv.Itoa(n) },
	insertIgnore: func(insert, keys string) string {
		return insert + " ON CONFLICT (" + keys + ") DO NOTHING"
	},
	// pg_advisory_lock returns void: count the row it makes.
	lock:   "SELECT count(*) FROM (SELECT pg_advisory_lock(7239150311)) AS l",
	unlock: "SELECT pg_advisory_unlock(7239150311)",
	text:   "TEXT",
}

// Connection timeouts the driver DSN gets unless the URL sets its own.
const (
	dialTimeout = 5 * time.Second
	ioTimeout   = 30 * time.Second
)

// driverDSN returns the dialect of db and the DSN its driver takes. The
// MySQL URL's query holds go-sql-driver/mysql parameters (tls=true,
// timeout=3s, ...); the PostgreSQL URL is what pgx takes as it is.
func driverDSN(db config.RecordsDB) (dialect, string, error) {
	u, err := url.Parse(db.DSN)
	if err != nil {
		return dialect{}, "", fmt.Errorf("sqlstore: %s is not a URL", db.Redacted())
	}
	if db.Kind == config.DBPostgres {
		q := u.Query()
		if q.Get("connect_timeout") == "" {
			q.Set("connect_timeout", strconv.Itoa(int(dialTimeout/time.Second)))
			u.RawQuery = q.Encode()
		}
		return postgresDialect, u.String(), nil
	}
	if db.Kind != config.DBMySQL {
		return dialect{}, "", fmt.Errorf("sqlstore: unknown database kind %q", db.Kind)
	}
	c, err := mysql.ParseDSN("/?" + u.RawQuery)
	if err != nil {
		return dialect{}, "", fmt.Errorf("sqlstore: the parameters of %s: %w", db.Redacted(), redactErr(err, db.Secrets()))
	}
	c.User = u.User.Username()
	c.Passwd, _ = u.User.Password()
	c.Net, c.Addr, c.DBName = "tcp", u.Host, strings.Trim(u.Path, "/")
	if u.Port() == "" {
		c.Addr = u.Hostname() + ":3306"
	}
	q := u.Query()
	if q.Get("timeout") == "" {
		c.Timeout = dialTimeout
	}
	if q.Get("readTimeout") == "" {
		c.ReadTimeout = ioTimeout
	}
	if q.Get("writeTimeout") == "" {
		c.WriteTimeout = ioTimeout
	}
	return mysqlDialect, c.FormatDSN(), nil
}

// redactErr returns err with every occurrence of secrets (the DSN's
// credentials, config.RecordsDB.Secrets) in its message replaced by
// "xxxxx". The result still wraps err, so errors.As finds the driver's
// error for retry classification; only its message changes.
func redactErr(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	if msg == err.Error() {
		return err
	}
	return &redacted{msg: msg, err: err}
}

// redacted is an error whose message has the password taken out.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
