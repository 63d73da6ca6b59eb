package record_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/record"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		transient bool
		notFound  bool
	}{
		{"nil", nil, false, false},
		{"NoSuchKey", service(404, "NoSuchKey"), false, true},
		{"404 to a HEAD (no body)", service(404, ""), false, true},
		{"NoSuchBucket", service(404, "NoSuchBucket"), false, false},
		{"wrapped ErrNotFound", fmt.Errorf("x: %w", record.ErrNotFound), false, true},
		{"malformed event", fmt.Errorf("x: %w", record.ErrMalformed), false, false},
		{"InvalidArgument", service(400, "InvalidArgument"), false, false},
		{"FileAlreadyExists", service(409, "FileAlreadyExists"), false, false},
		{"500 InternalError", service(500, "InternalError"), true, false},
		{"503", service(503, "ServiceUnavailable"), true, false},
		{"429 throttling", service(429, "Throttling"), true, false},
		{"expired STS token", service(403, "SecurityTokenExpired"), true, false},
		{"unknown access key", service(403, "InvalidAccessKeyId"), true, false},
		{"access denied (role lacks a permission)", service(403, "AccessDenied"), true, false},
		{"403 to a HEAD (no body)", service(403, ""), true, false},
		{"clock skew", service(403, "RequestTimeTooSkewed"), true, false},
		{"throttling code on a 400", service(400, "Throttling"), true, false},
		{"unexpected success status", oss.UnexpectedStatusCodeError{}, false, false},
		{"network", &url.Error{Op: "Get", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}, true, false},
		{"truncated body", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, false},
		{"deadline", context.DeadlineExceeded, true, false},
		{"no credentials", fmt.Errorf("ossclient: %w", creds.ErrNone), true, false},
		{"wrapped 503", fmt.Errorf("record: head: %w", service(503, "")), true, false},
		{"wrapped NoSuchKey", fmt.Errorf("record: head: %w", service(404, "NoSuchKey")), false, true},
		{"mysql deadlock", &mysql.MySQLError{Number: 1213}, true, false},
		{"mysql too many connections", &mysql.MySQLError{Number: 1040}, true, false},
		{"mysql data too long", fmt.Errorf("sqlstore: put: %w", &mysql.MySQLError{Number: 1406}), false, false},
		{"mysql incorrect string value", &mysql.MySQLError{Number: 1366}, false, false},
		{"mysql connection lost", mysql.ErrInvalidConn, true, false},
		{"postgres serialization failure", &pgconn.PgError{Code: "40001"}, true, false},
		{"postgres admin shutdown", &pgconn.PgError{Code: "57P01"}, true, false},
		{"postgres undefined table", &pgconn.PgError{Code: "42P01"}, true, false},
		{"postgres invalid byte sequence", fmt.Errorf("sqlstore: put: %w", &pgconn.PgError{Code: "22021"}), false, false},
		{"postgres connect failed", &pgconn.ConnectError{}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := record.Transient(tt.err); got != tt.transient {
				t.Errorf("Transient(%v): got %v, want %v", tt.err, got, tt.transient)
			}
			if got := record.IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound(%v): got %v, want %v", tt.err, got, tt.notFound)
			}
		})
	}
}
