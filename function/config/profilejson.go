package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// decodeProfiles decodes the profile set text into its configuration form.
// A syntax error, trailing data or a text that is not an object is the one
// error returned; otherwise every unknown field and every value of the
// wrong type is reported, each with its line and column, and pos holds
// where each profile's name stands (for the problems found later).
//
// A profile with a value of the wrong type is left out of raw: its other
// checks would only repeat that problem.
func decodeProfiles(text []byte) (raw map[string]profileJSON, pos map[string]string, problems []string, err error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the offending byte too.
			return nil, nil, nil, fmt.Errorf("%s: %v", position(text, se.Offset-1), se)
		}
		return nil, nil, nil, fmt.Errorf("%s: %w", position(text, int64(len(text))), err)
	}
	if dec.More() {
		return nil, nil, nil, fmt.Errorf("%s: trailing data after the JSON object", position(text, skipSpace(text, dec.InputOffset())))
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, nil, nil, fmt.Errorf("%s: want an object mapping profile names to profiles", position(text, skipSpace(text, 0)))
	}
	w := walker{text: text, dec: json.NewDecoder(bytes.NewReader(text)), pos: map[string]string{}, values: map[string][2]int64{}}
	if err := w.value(reflect.TypeOf(map[string]profileJSON{}), ""); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", position(text, w.dec.InputOffset()), err)
	}
	raw = map[string]profileJSON{}
	for name, span := range w.values {
		var pj profileJSON
		if err := json.Unmarshal(text[span[0]:span[1]], &pj); err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				return nil, nil, nil, fmt.Errorf("%s: profile %q: %w", w.pos[name], name, err)
			}
			w.problems = append(w.problems, fmt.Sprintf("%s: profile %q: %s: want %s, got %s",
				position(text, span[0]+te.Offset), name, te.Field, jsonKind(te.Type), te.Value))
			continue
		}
		raw[name] = pj
	}
	return raw, w.pos, w.problems, nil
}

// walker reads a JSON text token by token against the Go type it decodes
// into, noting every object key that type does not have.
type walker struct {
	text     []byte
	dec      *json.Decoder
	problems []string
	pos      map[string]string   // profile name → its position
	values   map[string][2]int64 // profile name → its value's byte span
}

// value walks one JSON value decoded into t (nil: anything); path names it
// in problems.
func (w *walker) value(t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		for w.dec.More() {
			at := skipSpace(w.text, w.dec.InputOffset())
			k, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if err := w.member(t, path, key, at); err != nil {
				return err
			}
		}
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			elem = t.Elem()
		}
		for w.dec.More() {
			if err := w.value(elem, path); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	_, err = w.dec.Token() // the closing delimiter
	return err
}

// member walks the value of key, found at offset at, in an object decoded
// into t.
func (w *walker) member(t reflect.Type, path, key string, at int64) error {
	switch {
	case t == nil:
		return w.value(nil, path)
	case t.Kind() == reflect.Map && path == "":
		w.pos[key] = position(w.text, at)
		start := skipSpace(w.text, w.dec.InputOffset())
		if err := w.value(t.Elem(), fmt.Sprintf("profile %q", key)); err != nil {
			return err
		}
		w.values[key] = [2]int64{start, w.dec.InputOffset()}
		return nil
	case t.Kind() == reflect.Struct:
		ft, names := field(t, key)
		if ft == nil {
			w.problems = append(w.problems, fmt.Sprintf("%s: %s: unknown field %q (known: %s)", position(w.text, at), path, key, strings.Join(names, ", ")))
		}
		return w.value(ft, path+": "+key)
	}
	return w.value(nil, path)
}

// field returns the type of t's field whose JSON name is key (matched as
// encoding/json does, without regard to case), or nil and the known names.
func field(t reflect.Type, key string) (reflect.Type, []string) {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f.Type, nil
		}
		names = append(names, name)
	}
	return nil, names
}

// skipSpace returns the offset of the first byte at or after off that is
// not JSON whitespace, a ':' or a ','.
func skipSpace(text []byte, off int64) int64 {
	for off < int64(len(text)) && strings.IndexByte(" \t\r\n:,", text[off]) >= 0 {
		off++
	}
	return off
}

// position renders a byte offset of text as "line L, column C" (1-based;
// the column counts bytes).
func position(text []byte, off int64) string {
	off = min(max(off, 0), int64(len(text)))
	before := text[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - int64(bytes.LastIndexByte(before, '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}
