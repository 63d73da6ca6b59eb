package signer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
)

// Field is one form field: a name and its value.
type Field struct {
	Name, Value string
}

// Form is the set of fields a client posts with its file (the file part
// last): the value of every Eq condition, then x-oss-signature-version,
// x-oss-credential, x-oss-date, x-oss-security-token (STS credentials
// only), policy and x-oss-signature, in that order. A Form is an immutable
// value; the zero Form has no fields.
//
// Form marshals to a JSON object {name: value} in that order and unmarshals
// from any JSON object of string values (keeping its order).
type Form struct {
	fields    []Field
	policy    string
	signature string
}

// form assembles the fields of a signed policy, in one allocation of
// exactly their number.
func (s *state) form(conds []Condition, policy, signature string) Form {
	n := 5 // the V4 fields, policy and signature
	if s.vals[4] != "" {
		n++
	}
	for i := range conds {
		if conds[i].kind == kindEq {
			n++
		}
	}
	fields := make([]Field, 0, n)
	for i := range conds {
		if c := &conds[i]; c.kind == kindEq {
			fields = append(fields, Field{c.Field(), c.value()})
		}
	}
	fields = append(fields,
		Field{"x-oss-signature-version", Algorithm},
		Field{"x-oss-credential", s.vals[2]},
		Field{"x-oss-date", s.vals[3]})
	if token := s.vals[4]; token != "" {
		fields = append(fields, Field{"x-oss-security-token", token})
	}
	fields = append(fields, Field{"policy", policy}, Field{"x-oss-signature", signature})
	return Form{fields: fields, policy: policy, signature: signature}
}

// Get returns the value of the field with exactly this name, or "".
func (f Form) Get(name string) string {
	for _, fl := range f.fields {
		if fl.Name == name {
			return fl.Value
		}
	}
	return ""
}

// All iterates over the fields in order, as name, value.
func (f Form) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, fl := range f.fields {
			if !yield(fl.Name, fl.Value) {
				return
			}
		}
	}
}

// Fields returns a copy of the fields, in order.
func (f Form) Fields() []Field { return append([]Field(nil), f.fields...) }

// Len returns the number of fields.
func (f Form) Len() int { return len(f.fields) }

// Policy returns the policy field: the base64 of the policy JSON, which is
// also the string to sign.
func (f Form) Policy() string { return f.policy }

// PolicyJSON returns the policy document that was signed (the policy field
// decoded), or nil if the form has no valid policy field.
func (f Form) PolicyJSON() []byte {
	b, err := base64.StdEncoding.DecodeString(f.policy)
	if err != nil {
		return nil
	}
	return b
}

// Signature returns the x-oss-signature field: lowercase hex.
func (f Form) Signature() string { return f.signature }

// MarshalJSON writes the fields as one JSON object, in order. Names and
// values are written by encoding/json, with <, > and & left unescaped.
func (f Form) MarshalJSON() ([]byte, error) {
	n := 2
	for _, fl := range f.fields {
		n += len(fl.Name) + len(fl.Value) + 6
	}
	w := &jsonWriter{b: make([]byte, 0, n)}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	w.b = append(w.b, '{')
	for i := range f.fields {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		if err := w.encode(enc, &f.fields[i].Name); err != nil {
			return nil, err
		}
		w.b = append(w.b, ':')
		if err := w.encode(enc, &f.fields[i].Value); err != nil {
			return nil, err
		}
	}
	return append(w.b, '}'), nil
}

// UnmarshalJSON reads a JSON object whose values are all strings, keeping
// the order of its members. The policy and signature are taken from the
// "policy" and "x-oss-signature" members.
func (f *Form) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("signer: form: want a JSON object")
	}
	var fields []Field
	for dec.More() {
		var fl Field
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("signer: form: %w", err)
		}
		fl.Name, _ = t.(string)
		if err := dec.Decode(&fl.Value); err != nil {
			return fmt.Errorf("signer: form: field %q: %w", fl.Name, err)
		}
		fields = append(fields, fl)
	}
	*f = Form{fields: fields}
	f.policy, f.signature = f.Get("policy"), f.Get("x-oss-signature")
	return nil
}
