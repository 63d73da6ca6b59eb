package signer

import (
	"fmt"
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
//
// A constructor checks the condition on its own and, when it is valid, has
// encoding/json write its JSON form once (HTML escaping off), so [Sign]
// copies that fragment into the policy instead of encoding the condition by
// reflection on every call. An invalid condition keeps its error and no
// fragment; Sign rejects it with that error.
type Condition struct {
	kind     condKind
	field    string   // eq, starts-with, in: the form field, without "$"
	val      string   // eq, starts-with: the value; bucket: the name
	values   []string // in: the values (a copy)
	min, max int64    // content-length-range bounds
	js       string   // the condition's JSON, written by encoding/json; "" when err != nil
	err      error    // why the condition is invalid on its own; nil for a valid one
}

// Eq pins a form field to an exact value: ["eq", "$field", value]. [Sign]
// also returns the value as a form field of that name (key, Content-Type,
// success_action_status, x-oss-meta-*, ...), because the client must send it.
func Eq(field, value string) Condition {
	c := Condition{kind: kindEq, field: field, val: value}
	return seal(c, [3]string{"eq", "$" + field, value})
}

// StartsWith requires a form field to start with prefix:
// ["starts-with", "$field", prefix]. The client chooses the value, so it is
// not returned as a form field.
func StartsWith(field, prefix string) Condition {
	c := Condition{kind: kindStartsWith, field: field, val: prefix}
	return seal(c, [3]string{"starts-with", "$" + field, prefix})
}

// ContentLengthRange bounds the file size in bytes, both ends inclusive:
// ["content-length-range", min, max].
func ContentLengthRange(min, max int64) Condition {
	c := Condition{kind: kindLengthRange, min: min, max: max}
	return seal(c, [3]any{"content-length-range", min, max})
}

// In requires a form field to be one of values: ["in", "$field", [values...]].
// values is copied. The client chooses the value, so it is not returned as a
// form field.
func In(field string, values ...string) Condition {
	c := Condition{kind: kindIn, field: field, values: slices.Clone(values)}
	if c.values == nil {
		c.values = []string{}
	}
	return seal(c, [3]any{"in", "$" + field, c.values})
}

// Bucket pins the bucket: {"bucket": name}. The bucket is addressed by the
// upload URL, so it is not returned as a form field.
func Bucket(name string) Condition {
	c := Condition{kind: kindBucket, val: name}
	return seal(c, bucketJSON{name})
}

// bucketJSON is the bucket condition as encoding/json writes it.
type bucketJSON struct {
	Bucket string `json:"bucket"`
}

// seal validates c on its own and, when it is valid, stores in it the JSON
// of v, its encoding/json form.
func seal[T any](c Condition, v T) Condition {
	if c.err = c.validate(); c.err != nil {
		return c
	}
	size := 32 + len(c.field) + len(c.val)
	for _, s := range c.values {
		size += 3 + len(s)
	}
	js, err := marshalFragment(v, size)
	if err != nil {
		c.err = fmt.Errorf("%w: encode: %w", ErrCondition, err)
		return c
	}
	c.js = js
	return c
}

// Field returns the form field the condition is about ("" for
// ContentLengthRange and Bucket).
func (c Condition) Field() string { return c.field }

// value returns the value of an eq or starts-with condition, or the bucket name.
func (c *Condition) value() string { return c.val }

// check returns why c cannot be signed, or nil: the error found when it was
// built, or ErrCondition for the zero Condition.
func (c *Condition) check() error {
	if c.kind == kindInvalid {
		return fmt.Errorf("%w: zero Condition (build conditions with Eq, StartsWith, ContentLengthRange, In or Bucket)", ErrCondition)
	}
	return c.err
}

// MarshalJSON returns the condition exactly as [Sign] writes it into the
// policy (encoding/json, with <, > and & left unescaped; json.Marshal of a
// Condition escapes them again, as it does for every value). It returns an
// error wrapping one of the package's sentinel errors when the condition is
// invalid on its own.
func (c Condition) MarshalJSON() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return []byte(c.js), nil
}
