package signer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ExpirationLayout is the layout of the policy's "expiration" (ISO 8601,
// UTC, milliseconds), the form every official OSS sample uses.
const ExpirationLayout = "2006-01-02T15:04:05.000Z"

// Policy is a POST policy before signing. Expiration is converted to UTC and
// written with millisecond precision ([ExpirationLayout]); Conditions are
// written in order, followed by the conditions V4 requires, which [Sign]
// adds itself. Sign does not modify the Policy.
type Policy struct {
	Expiration time.Time
	Conditions []Condition
}

// The policy document is {"expiration":E,"conditions":[C1,...,Cn,V4...]}.
//
// Every JSON value in it (each condition, the expiration, the value of each
// V4 condition) is written by encoding/json, with HTML escaping off; nothing
// formats a value by hand. Only the fixed punctuation and keys around them
// ({"expiration":  ,"conditions":[  ,  {"x-oss-date":  }  ]}) are appended
// here. A caller's
// condition is encoded once, when it is built (its fragment), rather than on
// every Sign by reflection over a generic document, which would cost more
// than the rest of the document's assembly. The values that change per call
// are encoded per call. The result is byte for byte what encoding/json writes for the whole
// document (TestDocumentMatchesEncodingJSON, FuzzSign).

// perCall is the number of values that change per call: the expiration
// and the four V4 conditions' values.
const perCall = 5

// state is what one Sign call hands encoding/json, allocated once: the
// values it reads and the writer it appends to.
type state struct {
	out     jsonWriter
	vals    [perCall]string // expiration, then x-oss-signature-version, -credential, -date, -security-token
	scratch [208]byte       // out's storage when the encoded values fit (a 320-byte state)
}

// document appends the policy document to dst: p's conditions in order,
// then the V4 mandatory ones. expiration is the formatted expiration,
// credential and date the x-oss-credential and x-oss-date values, token the
// security token or "". Every condition of p must be valid. dst is not
// kept: it may be on the caller's stack.
func (s *state) document(dst []byte, p Policy, expiration, credential, date, token string) ([]byte, error) {
	s.vals = [...]string{expiration, Algorithm, credential, date, token}
	vals, n, err := s.encodeValues(token != "")
	if err != nil {
		return nil, err
	}
	b := append(append(dst, `{"expiration":`...), vals[0]...)
	b = append(b, `,"conditions":[`...)
	for i := range p.Conditions {
		b = append(append(b, p.Conditions[i].js...), ',')
	}
	// The V4 conditions are simple conditions {"field":value}; their keys
	// are fixed text like "expiration".
	keys := [...]string{`{"x-oss-signature-version":`, `},{"x-oss-credential":`,
		`},{"x-oss-date":`, `},{"x-oss-security-token":`}
	for i, v := range vals[1:n] {
		b = append(append(b, keys[i]...), v...)
	}
	return append(b, "}]}"...), nil
}

// encodeValues has encoding/json write the values that change per call
// (s.vals, without the token unless withToken) in one call, as an array of
// strings, and returns each value's JSON: a slice of that array. One call
// instead of one per value saves a third of the encoding time.
func (s *state) encodeValues(withToken bool) (vals [perCall][]byte, n int, err error) {
	s.out.b = s.scratch[:0]
	enc := json.NewEncoder(&s.out)
	enc.SetEscapeHTML(false)
	var v any = &s.vals
	count := len(s.vals)
	if !withToken {
		count--
		v = (*[len(s.vals) - 1]string)(s.vals[:])
	}
	if err := s.out.encode(enc, v); err != nil {
		return vals, 0, err
	}
	b := s.out.b // ["...","...",...]
	for i := 1; i < len(b) && b[i] == '"'; n++ {
		end := stringEnd(b, i)
		if end < 0 || n == len(vals) {
			break
		}
		vals[n] = b[i:end:end]
		i = end + 1 // skip the comma or the closing bracket
	}
	if n != count {
		return vals, 0, fmt.Errorf("unexpected JSON %q", b)
	}
	return vals, n, nil
}

// stringEnd returns the index just past the JSON string starting at b[i]
// (a quote), or -1 if it does not end.
func stringEnd(b []byte, i int) int {
	for i++; ; {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		i += q
		// The quote ends the string unless an odd run of backslashes escapes it.
		bs := 0
		for bs < q && b[i-1-bs] == '\\' {
			bs++
		}
		i++
		if bs%2 == 0 {
			return i
		}
	}
}

// jsonWriter is the io.Writer a json.Encoder appends to.
type jsonWriter struct{ b []byte }

func (w *jsonWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// encode appends v's JSON, written by enc (which writes to w), without the
// newline Encode ends every value with.
func (w *jsonWriter) encode(enc *json.Encoder, v any) error {
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.b = w.b[:len(w.b)-1]
	return nil
}

// marshalFragment returns v's JSON as encoding/json writes it with <, > and
// & left unescaped (as JavaScript's JSON.stringify does), without a
// trailing newline. size is the expected length.
func marshalFragment[T any](v T, size int) (string, error) {
	// One allocation for the value encoding/json reads and the builder it
	// writes to, one for the text.
	h := &struct {
		out strings.Builder
		v   T
	}{v: v}
	h.out.Grow(size + 1)
	enc := json.NewEncoder(&h.out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&h.v); err != nil {
		return "", err
	}
	s := h.out.String()
	return s[:len(s)-1], nil
}
