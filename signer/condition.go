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
// immutable value, safe to share between goroutines and policies. It holds
// its JSON form ready for encoding/json, so signing builds nothing per
// condition.
type Condition struct {
	kind     condKind
	arr      [3]string  // eq and starts-with: [op, "$"+field, value]; in: [op, "$"+field, ""]
	bucket   bucketCond // bucket
	values   []string   // in values
	min, max int64      // content-length-range bounds
	mixed    *[3]any    // content-length-range and in: what encoding/json writes
}

// Eq pins a form field to an exact value: ["eq", "$field", value]. [Sign]
// also returns the value as a form field of that name (key, Content-Type,
// success_action_status, x-oss-meta-*, ...), because the client must send it.
func Eq(field, value string) Condition {
	return Condition{kind: kindEq, arr: [3]string{"eq", "$" + field, value}}
}

// StartsWith requires a form field to start with prefix:
// ["starts-with", "$field", prefix]. The client chooses the value, so it is
// not returned as a form field.
func StartsWith(field, prefix string) Condition {
	return Condition{kind: kindStartsWith, arr: [3]string{"starts-with", "$" + field, prefix}}
}

// ContentLengthRange bounds the file size in bytes, both ends inclusive:
// ["content-length-range", min, max].
func ContentLengthRange(min, max int64) Condition {
	return Condition{kind: kindLengthRange, min: min, max: max, mixed: &[3]any{"content-length-range", min, max}}
}

// In requires a form field to be one of values: ["in", "$field", [values...]].
// values is copied. The client chooses the value, so it is not returned as a
// form field.
func In(field string, values ...string) Condition {
	values = slices.Clone(values)
	if values == nil {
		values = []string{}
	}
	ref := "$" + field
	return Condition{kind: kindIn, arr: [3]string{"in", ref, ""}, values: values, mixed: &[3]any{"in", ref, values}}
}

// Bucket pins the bucket: {"bucket": name}. The bucket is addressed by the
// upload URL, so it is not returned as a form field.
func Bucket(name string) Condition {
	return Condition{kind: kindBucket, bucket: bucketCond{name}}
}

// Field returns the form field the condition is about ("" for
// ContentLengthRange and Bucket).
func (c Condition) Field() string {
	if c.arr[1] == "" {
		return ""
	}
	return c.arr[1][1:]
}

// value returns the value of an eq or starts-with condition, or the bucket name.
func (c *Condition) value() string {
	if c.kind == kindBucket {
		return c.bucket.Bucket
	}
	return c.arr[2]
}

// item returns what encoding/json writes for c, pointing into c.
func (c *Condition) item() any {
	switch c.kind {
	case kindEq, kindStartsWith:
		return &c.arr
	case kindBucket:
		return &c.bucket
	}
	return c.mixed
}

// MarshalJSON encodes the condition exactly as [Sign] writes it into the
// policy (encoding/json, with <, > and & left unescaped; json.Marshal of a
// Condition escapes them again, as it does for every value). It returns an error
// wrapping one of the package's sentinel errors when the condition is invalid
// on its own.
func (c Condition) MarshalJSON() ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return encodeJSON(nil, c.item())
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
