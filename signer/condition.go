package signer

import (
	"bytes"
	"encoding/json"
	"slices"
)

type condKind uint8

const (
	kindInvalid condKind = iota
	kindEq
	kindStartsWith
	kindLengthRange
	kindIn
	kindBucket
)

// Condition is one condition of a POST policy. Build it with [Eq],
// [StartsWith], [ContentLengthRange], [In] or [Bucket]; the zero Condition is
// invalid and rejected by [Sign] with [ErrCondition]. A Condition is an
// immutable value, safe to share between goroutines and policies.
type Condition struct {
	kind     condKind
	ref      string // "$" + field name, so field == ref[1:]
	value    string
	values   []string
	min, max int64
}

// Eq pins a form field to an exact value: ["eq", "$field", value]. [Sign]
// also returns the value as a form field of that name (key, Content-Type,
// success_action_status, x-oss-meta-*, ...), because the client must send it.
func Eq(field, value string) Condition {
	return Condition{kind: kindEq, ref: "$" + field, value: value}
}

// StartsWith requires a form field to start with prefix:
// ["starts-with", "$field", prefix]. The client chooses the value, so it is
// not returned as a form field.
func StartsWith(field, prefix string) Condition {
	return Condition{kind: kindStartsWith, ref: "$" + field, value: prefix}
}

// ContentLengthRange bounds the file size in bytes, both ends inclusive:
// ["content-length-range", min, max].
func ContentLengthRange(min, max int64) Condition {
	return Condition{kind: kindLengthRange, min: min, max: max}
}

// In requires a form field to be one of values: ["in", "$field", [values...]].
// values is copied. The client chooses the value, so it is not returned as a
// form field.
func In(field string, values ...string) Condition {
	return Condition{kind: kindIn, ref: "$" + field, values: slices.Clone(values)}
}

// Bucket pins the bucket: {"bucket": name}. The bucket is addressed by the
// upload URL, so it is not returned as a form field.
func Bucket(name string) Condition {
	return Condition{kind: kindBucket, value: name}
}

// Field returns the form field the condition is about ("" for
// ContentLengthRange and Bucket).
func (c Condition) Field() string {
	if c.ref == "" {
		return ""
	}
	return c.ref[1:]
}

// MarshalJSON encodes the condition exactly as [Sign] writes it into the
// policy (encoding/json, with <, > and & left unescaped). It returns an error
// wrapping one of the package's sentinel errors when the condition is invalid
// on its own.
func (c Condition) MarshalJSON() ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	var s scratch
	b, err := encodeJSON(nil, c.item(&s))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// item returns the value encoding/json writes for c, built from s's
// preallocated storage where it can be, so that a whole policy is encoded in
// one pass with few allocations.
func (c Condition) item(s *scratch) any {
	switch c.kind {
	case kindEq:
		return s.triple("eq", c.ref, c.value)
	case kindStartsWith:
		return s.triple("starts-with", c.ref, c.value)
	case kindLengthRange:
		return &[3]any{"content-length-range", c.min, c.max}
	case kindIn:
		return &[3]any{"in", c.ref, c.values}
	case kindBucket:
		s.bucket.Bucket = c.value
		return &s.bucket
	}
	return nil
}

// encodeJSON appends the JSON encoding of v to dst with encoding/json,
// leaving <, > and & unescaped (as JavaScript's JSON.stringify does) and
// without a trailing newline.
func encodeJSON(dst []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil
}
