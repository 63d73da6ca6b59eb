package signer

import (
	"encoding/base64"
	"fmt"
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
		return Form{}, fmt.Errorf("signer: policy: %w", err)
	}

	var tb [len(ExpirationLayout) + 8]byte
	date := string(at.AppendFormat(tb[:0], DateLayout))
	day := date[:len(DayLayout)]
	expiration := string(p.Expiration.UTC().AppendFormat(tb[:0], ExpirationLayout))
	credential := Credential(c.AccessKeyID, day, region)

	s := new(scratch)
	doc := s.document(p, expiration, credential, date, c.SecurityToken)
	js, err := encodeJSON(make([]byte, 0, 64*(len(doc.Conditions)+1)), doc)
	if err != nil {
		return Form{}, fmt.Errorf("signer: encode policy: %w", err)
	}
	b64 := make([]byte, base64.StdEncoding.EncodedLen(len(js)))
	base64.StdEncoding.Encode(b64, js)

	var sigBuf [64]byte
	signature := string(appendSignature(sigBuf[:0], SigningKey(c.AccessKeySecret, day, region), b64))
	return newForm(p.Conditions, string(b64), signature, credential, date, c.SecurityToken), nil
}
