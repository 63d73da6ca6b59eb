package record

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// retryableCode reports whether an OSS error code is one a later attempt may
// not get: throttling, and credential failures a fresh invocation's STS
// token cures.
func retryableCode(code string) bool {
	switch code {
	case "Throttling", "RequestTimeout", "ServiceUnavailable", "InternalError",
		"SecurityTokenExpired", "InvalidSecurityToken", "InvalidAccessKeyId":
		return true
	}
	return false
}

// Transient reports whether err is worth a retry, so that the handler returns
// it and FC redelivers the event: network errors, timeouts, 5xx and 429
// answers, the codes retryableCode lists, missing credentials, errors it does not
// know, and every 403. A 403 is an expired or unknown STS token, clock skew
// or AccessDenied; the code may be unknown (an answer without a body).
// AccessDenied means the execution role lacks a permission, which an
// operator fixes: returning the error lets FC's bounded retries and the async
// failure destination keep the event instead of dropping it. A missing
// object (ErrNotFound, NoSuchKey), a malformed event (ErrMalformed) and other
// 4xx answers are permanent.
//
// From the SQL record store, errors about the record's data are permanent
// (see badData: a retry would write the same row); everything else is
// transient: a refused or broken connection, a timeout, a deadlock or
// serialization failure, a server shutting down, too many connections, and
// errors it does not know (a missing table or privilege an operator fixes).
func Transient(err error) bool {
	if err == nil || errors.Is(err, ErrMalformed) || IsNotFound(err) || badData(err) {
		return false
	}
	if status, code, ok := ossclient.Answer(err); ok {
		return retryStatus(status) || retryableCode(code)
	}
	// Network errors, timeouts, cancellation, missing credentials and
	// anything else: a retry may help, and FC bounds the retries.
	return true
}

func retryStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusForbidden
}

// badData reports whether err is a database's refusal of the data of a
// row: MySQL's data too long (1406), incorrect string value (1366), out
// of range (1264), null in a NOT NULL column (1048), incorrect value
// (1292, 1366, 1411); PostgreSQL's class 22 (data exception).
func badData(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1048, 1264, 1292, 1366, 1406, 1411:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "22")
}
