package ossemu

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// Bounds on the non-file part of a PostObject form. OSS documents no exact
// figures; these are generous for any real form and small enough that a
// hostile body cannot make the emulator hold much memory.
const (
	maxFormFields     = 64
	maxFieldBytes     = 32 << 10
	maxFormFieldBytes = 128 << 10
	maxUserMetaBytes  = 8 << 10
)

// form is the fields of a PostObject request that precede the file, in
// order, and the file part itself. Field names are matched case-insensitively
// (as OSS matches "$name" in policy conditions), so they are kept lower-cased
// next to the name as sent.
type form struct {
	fields []formField
	byName map[string]string // lower-case name -> value
	file   *multipart.Part
	mr     *multipart.Reader
}

type formField struct {
	Name, Lower, Value string
}

// get returns the value of the field named name (any case), "" if absent.
func (f *form) get(name string) string { return f.byName[strings.ToLower(name)] }

func (f *form) has(name string) bool {
	_, ok := f.byName[strings.ToLower(name)]
	return ok
}

// readForm reads the form fields of r's multipart body up to and including
// the header of the first part named "file". It never buffers the file: the
// caller streams f.file, then calls f.end. Errors are *Error:
// MalformedPOSTRequest for a body that is not multipart/form-data or breaks
// the bounds, IncorrectNumberOfFilesInPOSTRequest when there is no file.
func readForm(r *http.Request) (*form, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errMalformed()
	}
	f := &form{byName: map[string]string{}, mr: multipart.NewReader(r.Body, params["boundary"])}
	total := 0
	for {
		p, err := f.mr.NextPart()
		if errors.Is(err, io.EOF) && len(f.fields) == 0 {
			return nil, errMalformed() // no part at all: not a form
		}
		if errors.Is(err, io.EOF) {
			return nil, errorf(http.StatusBadRequest, "IncorrectNumberOfFilesInPOSTRequest", "", msgIncorrectFiles)
		}
		if err != nil {
			return nil, bodyError(err)
		}
		name := p.FormName()
		if strings.EqualFold(name, "file") {
			f.file = p
			return f, nil
		}
		if name == "" || len(f.fields) >= maxFormFields {
			return nil, errMalformed()
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return nil, bodyError(err)
		}
		total += len(b) + len(name)
		if len(b) > maxFieldBytes || total > maxFormFieldBytes {
			return nil, errInvalidArgument("The form field %s is too long.", name)
		}
		lower := strings.ToLower(name)
		if _, dup := f.byName[lower]; dup {
			return nil, errInvalidArgument("The form field %s appears more than once.", name)
		}
		f.fields = append(f.fields, formField{Name: name, Lower: lower, Value: string(b)})
		f.byName[lower] = string(b)
	}
}

// end checks that the file part was the last part: another "file" part is
// IncorrectNumberOfFilesInPOSTRequest, any other part MalformedPOSTRequest.
func (f *form) end() error {
	p, err := f.mr.NextPart()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return bodyError(err)
	}
	if strings.EqualFold(p.FormName(), "file") {
		return errorf(http.StatusBadRequest, "IncorrectNumberOfFilesInPOSTRequest", "", msgIncorrectFiles)
	}
	return errMalformed()
}

// bodyError maps an error reading the request body: over the body limit is
// EntityTooLarge, anything else (truncated, malformed) MalformedPOSTRequest.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) || errors.Is(err, disk.ErrLimit) {
		return errTooLarge()
	}
	return errMalformed()
}
