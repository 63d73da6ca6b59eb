package config

import (
	"strings"
	"testing"
)

// TestDSNQueryPasswordIsRedacted: every credential form a records DSN can
// carry (the URL's user-info password; pgx's password and sslpassword query
// parameters; a keyword/value DSN; go-sql-driver/mysql's own DSN form) is
// absent from Redacted and from every configuration error that names the
// DSN, while the rest of the DSN stays readable.
func TestDSNQueryPasswordIsRedacted(t *testing.T) {
	const secret = "Sup3r-s3cret"
	tests := []struct {
		name, dsn string
		keep      string // a part of the DSN Redacted still shows ("" for none)
	}{
		{"user-info password", "postgres://u:" + secret + "@db.internal:5432/records", "db.internal:5432/records"},
		{"password parameter", "postgres://u@db.internal/records?password=" + secret, "db.internal/records"},
		{"password parameter among others", "postgresql://u@db.internal/records?sslmode=require&password=" + secret + "&x=1", "sslmode=require"},
		{"escaped password parameter", "postgres://u@db.internal/records?password=" + strings.ReplaceAll(secret, "-", "%2D"), "db.internal"},
		{"sslpassword parameter", "postgres://u@db.internal/records?sslpassword=" + secret, "db.internal"},
		{"both", "postgres://u:" + secret + "@db.internal/records?password=" + secret + "x", "db.internal"},
		{"mysql password parameter", "mysql://u@db.internal:3306/records?tls=true&password=" + secret, "tls=true"},
		{"Password, any case", "postgres://u@db.internal/records?Password=" + secret, "db.internal"},
		{"keyword/value", "host=db.internal user=u password=" + secret + " dbname=records", ""},
		{"keyword/value, quoted", "host=db.internal user=u password='" + secret + " x' dbname=records", ""},
		{"mysql DSN form", "u:" + secret + "@tcp(db.internal:3306)/records", ""},
		{"mysql URL with its DSN form", "mysql://u:" + secret + "@tcp(db.internal:3306)/records", ""},
		{"bad escape", "postgres://u@db.internal/records?password=" + secret + "%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactDSN(tt.dsn)
			if strings.Contains(got, secret) {
				t.Errorf("RedactDSN: got %q, holds the secret", got)
			}
			if !strings.Contains(got, tt.keep) {
				t.Errorf("RedactDSN: got %q, want %q still shown", got, tt.keep)
			}
			_, err := Load(Record, func(k string) string {
				return map[string]string{VarBucket: "b", VarRegion: "cn-hangzhou", VarRecordsDSN: tt.dsn}[k]
			})
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("Load: error %q holds the secret", err)
			}
		})
	}
}
