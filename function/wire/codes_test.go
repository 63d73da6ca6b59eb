package wire

import (
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsCodesFile is the JS clients' table of the codes (relative to this
// package's directory, where go test runs).
const jsCodesFile = "../../clients/core/codes.js"

// jsServerCodes returns the codes of the ServerCodes table in
// clients/core/codes.js, failing on an entry whose key and value differ.
func jsServerCodes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(jsCodesFile)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)export const ServerCodes = Object\.freeze\(\{(.*?)\}\);`).FindSubmatch(src)
	if block == nil {
		t.Fatalf("%s: no `export const ServerCodes = Object.freeze({...});` block", jsCodesFile)
	}
	entry := regexp.MustCompile(`^\s*(\w+):\s*'(\w+)',?\s*$`)
	var codes []string
	for line := range strings.Lines(string(block[1])) {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		m := entry.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: ServerCodes: cannot read line %q (want `Name: 'Name',`)", jsCodesFile, line)
		}
		if m[1] != m[2] {
			t.Errorf("%s: ServerCodes.%s is %q, want the key itself", jsCodesFile, m[1], m[2])
		}
		codes = append(codes, m[2])
	}
	slices.Sort(codes)
	return codes
}

func TestJSServerCodesMatchGoCodes(t *testing.T) {
	if diff := cmp.Diff(Codes(), jsServerCodes(t)); diff != "" {
		t.Errorf("clients/core/codes.js ServerCodes differ from wire.Codes() (-Go +JS):\n%s", diff)
	}
}

func TestStatus(t *testing.T) {
	tests := map[string]int{
		CodeInvalidJSON: 400, CodeBodyTooLarge: 413, CodeFileTooLarge: 413, CodeUnsupportedType: 415,
		CodeUnauthenticated: 401, CodeNoCredentials: 503, CodeNotFound: 404, CodeMethodNotAllowed: 405,
		CodeForbidden: 403, CodeNoSuchUpload: 404, CodePartsMissing: 409, CodeUploadSizeMismatch: 409,
		CodeQuotaExceeded: 429, CodeStoreUnavailable: 503, CodeInternal: 500, "SomethingElse": 500,
	}
	for code, want := range tests {
		if got := Status(code); got != want {
			t.Errorf("Status(%s): got %d, want %d", code, got, want)
		}
	}
}

func TestEveryCodeIsAnError(t *testing.T) {
	for _, code := range Codes() {
		if s := Status(code); s < 400 || http.StatusText(s) == "" {
			t.Errorf("Status(%s) = %d, want an HTTP error status", code, s)
		}
	}
}
