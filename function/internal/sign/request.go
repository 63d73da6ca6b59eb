package sign

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/wire"
)

// Request limits.
const (
	MaxBodyBytes = 64 << 10
	MaxNameBytes = 255
	// DefaultProfile is used when a request names no profile, if configured.
	DefaultProfile = "default"
)

// decodeRequest reads a Request from r's body: at most MaxBodyBytes, one
// JSON object, no unknown fields.
func decodeRequest(w http.ResponseWriter, r *http.Request) (wire.SignRequest, error) {
	var req wire.SignRequest
	if err := decodeJSON(w, r, &req, `{"profile":...,"files":[...]}`); err != nil {
		return wire.SignRequest{}, err
	}
	return req, nil
}

// decodeJSON reads r's body into v: at most MaxBodyBytes, one JSON object,
// no unknown fields. want is the body's shape, for the message when the
// body is empty.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, want string) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errorf(wire.CodeBodyTooLarge, "request body larger than %d bytes", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return errorf(wire.CodeInvalidJSON, "empty request body; want %s", want)
	case err != nil:
		return &Error{Code: wire.CodeInvalidJSON, Message: "request body is not valid: " + err.Error()}
	}
	return nil
}

// validate checks req against the profiles and returns the profile it names,
// with every file's Type normalised to lower case and its Name to NFC.
func validate(req *wire.SignRequest, profiles map[string]config.Profile) (config.Profile, error) {
	name := req.Profile
	if name == "" {
		name = DefaultProfile
		if _, ok := profiles[name]; !ok {
			return config.Profile{}, errorf(wire.CodeProfileRequired, "profile is required (one of %s)", profileNames(profiles))
		}
	}
	p, ok := profiles[name]
	if !ok {
		return config.Profile{}, errorf(wire.CodeUnknownProfile, "unknown profile %.64q (one of %s)", name, profileNames(profiles))
	}
	if len(req.Files) == 0 {
		return p, errorf(wire.CodeNoFiles, "files must list at least one file")
	}
	if len(req.Files) > p.MaxFiles {
		return p, errorf(wire.CodeTooManyFiles, "profile %s allows at most %d file(s) per request, got %d", p.Name, p.MaxFiles, len(req.Files))
	}
	for i := range req.Files {
		f := &req.Files[i]
		f.Type = strings.ToLower(strings.TrimSpace(f.Type))
		f.Name = norm.NFC.String(f.Name)
		if err := validateFile(i, *f, p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// validateFile checks one declared file against profile p.
func validateFile(i int, f wire.File, p config.Profile) error {
	switch {
	case f.Name == "" || len(f.Name) > MaxNameBytes || !utf8.ValidString(f.Name) || strings.IndexFunc(f.Name, hiddenRune) >= 0:
		return errorf(wire.CodeInvalidFileName, "files[%d]: name must be 1 to %d bytes of UTF-8 without control or invisible formatting characters (Unicode Cc, Cf, Zl, Zp)", i, MaxNameBytes)
	case !p.Allows(f.Type):
		return errorf(wire.CodeUnsupportedType, "files[%d]: type %.100q not allowed by profile %s (allowed: %s)", i, f.Type, p.Name, strings.Join(p.Types, ", "))
	}
	if e := sizeError(p, f.Size); e != nil {
		e.Message = fmt.Sprintf("files[%d]: %s", i, e.Message)
		return e
	}
	return nil
}

// sizeError checks a declared file size against profile p, for POST /sign
// and multipart uploads alike: InvalidSize, FileTooLarge or FileTooSmall,
// or nil when the size fits.
func sizeError(p config.Profile, size int64) *Error {
	switch {
	case size <= 0:
		return errorf(wire.CodeInvalidSize, "size must be the file's exact size in bytes, got %d", size)
	case size > p.MaxSize:
		return errorf(wire.CodeFileTooLarge, "size %d over the %d bytes profile %s allows", size, p.MaxSize, p.Name)
	case size < p.MinSize:
		return errorf(wire.CodeFileTooSmall, "size %d under the %d bytes profile %s requires", size, p.MinSize, p.Name)
	}
	return nil
}

// hiddenRune reports whether r is a control character (Cc) or one that is
// invisible or reorders text around it (Cf: bidi overrides and isolates,
// zero-width characters; Zl, Zp: line and paragraph separators): a file name
// may not hold one, so that a name cannot look like another, and logText
// escapes them.
func hiddenRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

func profileNames(profiles map[string]config.Profile) string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
