package sign

import (
	"errors"

	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/wire"
)

// The messages of a 401 Unauthenticated answer, one per auth.Reason. They
// are fixed: what exactly was wrong (which may quote the token, such as an
// unknown kid) goes to the log only.
const (
	MsgTokenMissing     = "missing bearer token: send Authorization: Bearer <JWT>"
	MsgTokenMalformed   = "malformed bearer token"
	MsgTokenExpired     = "token expired"
	MsgTokenNotYetValid = "token not valid yet"
	MsgTokenAudience    = "token not issued for this service (iss or aud)"
	MsgTokenSignature   = "token signature not valid"
	MsgTokenClaims      = "token claims not accepted (exp, iat, sub or lifetime)"
	MsgTokenNotAccepted = "bearer tokens are not accepted here"
	msgTokenInvalid     = "missing or invalid bearer token"
)

var reasonMessages = map[auth.Reason]string{
	auth.ReasonMissing:     MsgTokenMissing,
	auth.ReasonMalformed:   MsgTokenMalformed,
	auth.ReasonExpired:     MsgTokenExpired,
	auth.ReasonNotYetValid: MsgTokenNotYetValid,
	auth.ReasonAudience:    MsgTokenAudience,
	auth.ReasonSignature:   MsgTokenSignature,
	auth.ReasonClaims:      MsgTokenClaims,
	auth.ReasonNoKey:       MsgTokenNotAccepted,
}

// unauthenticated returns the 401 error for an Authenticate failure err:
// the fixed message of its reason, err itself as the (logged) cause.
func unauthenticated(err error) *Error {
	msg := msgTokenInvalid
	var ae *auth.Error
	if errors.As(err, &ae) && reasonMessages[ae.Reason] != "" {
		msg = reasonMessages[ae.Reason]
	}
	return &Error{Code: wire.CodeUnauthenticated, Message: msg, Err: err}
}
