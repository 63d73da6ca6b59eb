package signer

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxKeyLen is OSS's limit on object key length, in bytes.
const maxKeyLen = 1023

// maxFieldLen bounds form field names.
const maxFieldLen = 128

// isReserved reports whether field (ASCII) names a form field Sign sets
// itself, compared case-insensitively.
func isReserved(field string) bool {
	var r string
	switch len(field) {
	case len("file"):
		r = "file"
	case len("policy"): // and "bucket"
		return strings.EqualFold(field, "policy") || strings.EqualFold(field, "bucket")
	case len("x-oss-date"):
		r = "x-oss-date"
	case len("x-oss-signature"):
		r = "x-oss-signature"
	case len("x-oss-credential"):
		r = "x-oss-credential"
	case len("x-oss-security-token"):
		r = "x-oss-security-token"
	case len("x-oss-signature-version"):
		r = "x-oss-signature-version"
	default:
		return false
	}
	return strings.EqualFold(field, r)
}

// validateInputs checks everything Sign is given except the conditions.
// at must already be in UTC.
func validateInputs(c Credentials, p Policy, region string, at time.Time) error {
	if err := validateSigning(c, region, at); err != nil {
		return err
	}
	exp := p.Expiration.UTC()
	if y := exp.Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: year %d", ErrExpiration, y)
	}
	if !exp.Truncate(time.Millisecond).After(at) {
		return fmt.Errorf("%w: %s is not after the signing time %s", ErrExpiration,
			exp.Format(ExpirationLayout), at.Format(ExpirationLayout))
	}
	return nil
}

// validateSigning checks what every V4 signature takes, whether Sign's or
// Presign's: the credentials, the region and the signing time (in UTC).
func validateSigning(c Credentials, region string, at time.Time) error {
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return fmt.Errorf("%w: empty AccessKey id or secret", ErrCredentials)
	}
	if !validAccessKeyID(c.AccessKeyID) || !printable(c.SecurityToken) {
		return fmt.Errorf("%w: AccessKey id or security token holds a slash, space or control character", ErrCredentials)
	}
	if !ValidRegion(region) {
		return fmt.Errorf("%w: %q (want a standard region id such as cn-hangzhou)", ErrRegion, region)
	}
	if y := at.Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: year %d", ErrTime, y)
	}
	return nil
}

// validAccessKeyID reports whether id is printable (see printable) and
// holds no slash or space.
func validAccessKeyID(id string) bool {
	for i := 0; i < len(id); i++ {
		if b := id[i]; b <= ' ' || b >= 0x7f || b == '/' {
			return !strings.ContainsAny(id, "/ ") && printable(id)
		}
	}
	return true
}

// validateConditions checks each condition and the rules across them.
func validateConditions(conds []Condition) error {
	var buckets, ranges int
	for i := range conds {
		c := &conds[i]
		if err := c.check(); err != nil {
			return fmt.Errorf("%w (condition %d)", err, i)
		}
		switch c.kind {
		case kindBucket:
			buckets++
		case kindLengthRange:
			ranges++
		case kindEq:
			for j := range i {
				d := &conds[j]
				if d.kind == kindEq && len(d.field) == len(c.field) && strings.EqualFold(d.field, c.field) {
					return fmt.Errorf("%w: condition %d: a second eq on %q", ErrDuplicate, i, c.Field())
				}
			}
		}
		if buckets > 1 || ranges > 1 {
			return fmt.Errorf("%w: condition %d: a second bucket or content-length-range", ErrDuplicate, i)
		}
	}
	return nil
}

// validate checks one condition on its own; the constructors call it.
func (c *Condition) validate() error {
	switch c.kind {
	case kindBucket:
		if !ValidBucket(c.value()) {
			return fmt.Errorf("%w: %q", ErrBucket, c.value())
		}
		return nil
	case kindLengthRange:
		if c.min < 0 || c.max < c.min {
			return fmt.Errorf("%w: [%d, %d]", ErrLengthRange, c.min, c.max)
		}
		return nil
	case kindEq, kindStartsWith, kindIn:
		return c.validateField()
	}
	return fmt.Errorf("%w: zero Condition (build conditions with Eq, StartsWith, ContentLengthRange, In or Bucket)", ErrCondition)
}

// validateField checks the field name and the values of an eq, starts-with
// or in condition.
func (c *Condition) validateField() error {
	field := c.Field()
	if !validFieldName(field) {
		return fmt.Errorf("%w: %q", ErrField, field)
	}
	if isReserved(field) {
		return fmt.Errorf("%w: %q is set by Sign", ErrReservedField, field)
	}
	if c.kind == kindIn {
		if len(c.values) == 0 {
			return fmt.Errorf("%w: in %q has no values", ErrCondition, field)
		}
		for _, v := range c.values {
			if !printable(v) {
				return fmt.Errorf("%w: in %q: %q", ErrValue, field, v)
			}
		}
		return nil
	}
	if len(field) == 3 && strings.EqualFold(field, "key") {
		return validateKey(c.value())
	}
	if !printable(c.value()) {
		return fmt.Errorf("%w: %q: %q", ErrValue, field, c.value())
	}
	return nil
}

// validateKey applies OSS's object key rules (to a key or a key prefix).
func validateKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrKey)
	case len(key) > maxKeyLen:
		return fmt.Errorf("%w: %d bytes (at most %d)", ErrKey, len(key), maxKeyLen)
	case key[0] == '/' || key[0] == '\\':
		return fmt.Errorf("%w: %q starts with a slash or backslash", ErrKey, key)
	case !printable(key):
		return fmt.Errorf("%w: %q holds invalid UTF-8 or a control character", ErrKey, key)
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters
// (C0, DEL, C1), so that it survives JSON and a multipart form unchanged.
func printable(s string) bool {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return true
	}
	s = s[i:]
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// validFieldName accepts 1-128 bytes of A-Z a-z 0-9 - _ . :
func validFieldName(s string) bool {
	if s == "" || len(s) > maxFieldLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !isAlnum(b) && b != '-' && b != '_' && b != '.' && b != ':' {
			return false
		}
	}
	return true
}

// hyphenated reports whether s is ok bytes and hyphens, with no leading or
// trailing hyphen.
func hyphenated(s string, ok func(byte) bool) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '-' && !ok(s[i]) {
			return false
		}
	}
	return true
}

func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
func isDigit(b byte) bool { return b >= '0' && b <= '9' }
func isAlnum(b byte) bool { return isLower(b) || isDigit(b) || (b >= 'A' && b <= 'Z') }
