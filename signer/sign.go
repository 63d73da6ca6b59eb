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
	// Every string Sign returns shares one allocation: a builder only
	// appends, so the strings taken from it stay valid as it grows.
	var out strings.Builder
	out.Grow(textSize(c, p, region))
	date, expiration, credential := signingStrings(&out, c.AccessKeyID, region, at, p.Expiration.UTC())
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

	start := out.Len()
	out.Write(b64)
	var sig [2 * sha256.Size]byte
	out.Write(appendSignature(sig[:0], SigningKey(c.AccessKeySecret, day, region), b64))
	both := out.String()[start:]
	return st.form(p.Conditions, both[:n], both[n:]), nil
}

// signingStrings appends x-oss-date, the policy expiration and
// x-oss-credential to b and returns them. at and exp must be UTC in the
// years 1..9999.
func signingStrings(b *strings.Builder, accessKeyID, region string, at, exp time.Time) (date, expiration, credential string) {
	start := b.Len()
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
	s := b.String()[start:]
	end := len(DateLayout) + len(ExpirationLayout)
	return s[:len(DateLayout)], s[len(DateLayout):end], s[end:]
}

// textSize is what Sign's strings usually come to: x-oss-date, expiration
// and x-oss-credential, the policy base64 (the JSON's length assuming no
// value needs escaping) and the signature.
func textSize(c Credentials, p Policy, region string) int {
	credential := len(c.AccessKeyID) + len(region) + len(DayLayout) + len("//"+product+"/"+terminator)
	// The punctuation, keys and fixed-length values come to 191 bytes.
	js := 191 + credential + len(c.SecurityToken)
	for i := range p.Conditions {
		js += 1 + len(p.Conditions[i].js)
	}
	return len(DateLayout) + len(ExpirationLayout) + credential +
		base64.StdEncoding.EncodedLen(js) + 2*sha256.Size
}
