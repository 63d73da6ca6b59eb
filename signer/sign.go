package signer

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Sign signs p for a browser or mini-program POST upload with V4
// (OSS4-HMAC-SHA256) and returns the form fields the client must send
// besides the file.
//
// at is the signing time; it is converted to UTC and becomes x-oss-date
// (second precision) and the credential's signing day. region is a standard
// region id such as "cn-hangzhou" (no "oss-" prefix). The policy's
// conditions are written in order, followed by x-oss-signature-version,
// x-oss-credential, x-oss-date and, when c.SecurityToken is set,
// x-oss-security-token; the base64 of that JSON is both the policy field and
// the string to sign.
//
// Sign never panics and modifies nothing it is given. Invalid input yields
// an error wrapping one of ErrCredentials, ErrRegion, ErrTime,
// ErrExpiration, ErrCondition, ErrField, ErrReservedField, ErrKey, ErrValue,
// ErrLengthRange, ErrBucket or ErrDuplicate.
func Sign(c Credentials, p Policy, region string, at time.Time) (Form, error) {
	at = at.UTC()
	if err := validateInputs(c, p, region, at); err != nil {
		return Form{}, err
	}
	if err := validateConditions(p.Conditions); err != nil {
		return Form{}, err
	}
	date, expiration, credential := signingStrings(c.AccessKeyID, region, at, p.Expiration.UTC())
	day := date[:len(DayLayout)]

	// The JSON is only read by the base64 encoder: it stays on the stack
	// unless it is unusually long.
	var stack [1024]byte
	st := new(state)
	js, err := st.document(stack[:0], p, expiration, credential, date, c.SecurityToken)
	if err != nil {
		return Form{}, fmt.Errorf("signer: encode policy: %w", err)
	}
	n := base64.StdEncoding.EncodedLen(len(js))
	b64 := make([]byte, n)
	base64.StdEncoding.Encode(b64, js)

	// policy and signature share one string.
	var out strings.Builder
	out.Grow(n + 2*sha256.Size)
	out.Write(b64)
	var sig [64]byte
	out.Write(appendSignature(sig[:0], SigningKey(c.AccessKeySecret, day, region), b64))
	both := out.String()
	return st.form(p.Conditions, both[:n], both[n:]), nil
}

// signingStrings returns x-oss-date, the policy expiration and
// x-oss-credential, sharing one allocation. at and exp must be UTC in the
// years 1..9999.
func signingStrings(accessKeyID, region string, at, exp time.Time) (date, expiration, credential string) {
	var b strings.Builder
	b.Grow(len(DateLayout) + len(ExpirationLayout) + len(accessKeyID) + len(DayLayout) + len(region) + 24)
	var d [len(DateLayout)]byte
	var e [len(ExpirationLayout)]byte
	b.Write(appendDate(d[:0], at))
	b.Write(appendExpiration(e[:0], exp))
	b.WriteString(accessKeyID)
	b.WriteByte('/')
	b.Write(d[:len(DayLayout)])
	b.WriteByte('/')
	b.WriteString(region)
	b.WriteString("/" + product + "/" + terminator)
	s := b.String()
	end := len(DateLayout) + len(ExpirationLayout)
	return s[:len(DateLayout)], s[len(DateLayout):end], s[end:]
}
