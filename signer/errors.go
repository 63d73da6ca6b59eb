package signer

import "errors"

// Sentinel errors returned (wrapped, with detail) by [Sign] and
// [Condition.MarshalJSON]. Test for them with errors.Is.
var (
	// ErrCredentials: the AccessKey id or secret is empty, or one of the
	// credential strings holds characters a form field cannot carry.
	ErrCredentials = errors.New("signer: invalid credentials")
	// ErrRegion: the region is not a standard region id such as
	// "cn-hangzhou" (see [ValidRegion]).
	ErrRegion = errors.New("signer: invalid region")
	// ErrTime: the signing time is outside the years 1..9999.
	ErrTime = errors.New("signer: invalid signing time")
	// ErrExpiration: the policy expiration is not after the signing time
	// (compared at the millisecond precision the policy carries), or is
	// outside the years 1..9999.
	ErrExpiration = errors.New("signer: invalid expiration")
	// ErrCondition: the condition is the zero Condition, or an In condition
	// has no values.
	ErrCondition = errors.New("signer: invalid condition")
	// ErrField: a condition names an invalid form field (empty, longer than
	// 128 bytes, or a byte outside A-Z a-z 0-9 - _ . :).
	ErrField = errors.New("signer: invalid field name")
	// ErrReservedField: a condition names a field Sign sets itself (policy,
	// file, bucket, x-oss-signature, x-oss-signature-version,
	// x-oss-credential, x-oss-date, x-oss-security-token).
	ErrReservedField = errors.New("signer: reserved field")
	// ErrKey: an Eq or StartsWith condition on "key" is empty, longer than
	// 1023 bytes, starts with "/" or "\", or holds invalid UTF-8 or a
	// control character.
	ErrKey = errors.New("signer: invalid object key")
	// ErrValue: a condition value holds invalid UTF-8 or a control character.
	ErrValue = errors.New("signer: invalid condition value")
	// ErrLengthRange: a content-length-range is negative or inverted.
	ErrLengthRange = errors.New("signer: invalid content-length-range")
	// ErrBucket: the bucket name is not 3-63 lowercase letters, digits and
	// hyphens starting and ending with a letter or digit.
	ErrBucket = errors.New("signer: invalid bucket name")
	// ErrEndpoint: an endpoint is not an http(s) URL with a host and
	// nothing else (see [ParseEndpoint]).
	ErrEndpoint = errors.New("signer: invalid endpoint")
	// ErrDuplicate: two Eq conditions on the same field (compared
	// case-insensitively), two Bucket or two ContentLengthRange conditions.
	ErrDuplicate = errors.New("signer: duplicate condition")
)
