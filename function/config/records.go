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

// Redacted is the DSN with every credential in it replaced by "xxxxx":
// the only form of it that may be logged or shown in an error.
func (d RecordsDB) Redacted() string { return RedactDSN(d.DSN) }

// Secrets returns the credentials the DSN holds (see RedactDSN), each as
// written and URL-escaped, for taking them out of a driver's error
// messages.
func (d RecordsDB) Secrets() []string { return DSNSecrets(d.DSN) }

// secretParams are the query parameters of a DSN URL that carry a
// credential, in lower case: pgx takes the password in password= as well
// as in the user info, and the client key's passphrase in sslpassword=;
// go-sql-driver/mysql has no password parameter, but sends any parameter
// it does not know to the server as a session variable, so password= and
// passwd= are taken for secrets there too.
var secretParams = map[string]bool{"password": true, "passwd": true, "sslpassword": true}

// redactedDSN is what RedactDSN shows of a DSN it cannot take apart.
const redactedDSN = "(DSN not shown: not a URL)"

// RedactDSN returns dsn, a DSN URL, with the password of its user info
// and the values of its credential parameters (password=, sslpassword=, in
// any case) replaced by "xxxxx". Anything else (a keyword/value DSN such as
// "host=h password=p", go-sql-driver/mysql's own "user:pass@tcp(h)/db",
// text that is not a URL, a query that does not decode) is never shown:
// RedactDSN returns a placeholder for it.
func RedactDSN(dsn string) string {
	u, q, ok := parseDSN(dsn)
	if !ok {
		return redactedDSN
	}
	hid := false
	for k, vs := range q {
		if secretParams[strings.ToLower(k)] {
			for i := range vs {
				vs[i] = "xxxxx"
			}
			hid = true
		}
	}
	if hid {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// DSNSecrets returns the credentials of dsn RedactDSN hides, each as
// written and URL-escaped (query and path escaping); none for a DSN
// RedactDSN does not show at all.
func DSNSecrets(dsn string) []string {
	u, q, ok := parseDSN(dsn)
	if !ok {
		return nil
	}
	var raw []string
	if pw, set := u.User.Password(); set {
		raw = append(raw, pw)
	}
	for k, vs := range q {
		if secretParams[strings.ToLower(k)] {
			raw = append(raw, vs...)
		}
	}
	var out []string
	for _, s := range raw {
		if s != "" {
			out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	return out
}

// parseDSN returns dsn as a URL with a scheme and a host, and its query,
// or false.
func parseDSN(dsn string) (*url.URL, url.Values, bool) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" || u.Opaque != "" || u.Host == "" {
		return nil, nil, false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, nil, false
	}
	return u, q, true
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
