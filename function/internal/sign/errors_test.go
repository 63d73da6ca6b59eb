package sign

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/wire"
)

func TestSignErrors(t *testing.T) {
	file := func(name, typ string, size int64) string {
		return fmt.Sprintf(`{"name":%q,"type":%q,"size":%d}`, name, typ, size)
	}
	body := func(profile string, files ...string) string {
		return fmt.Sprintf(`{"profile":%q,"files":[%s]}`, profile, strings.Join(files, ","))
	}
	ok := file("a.png", "image/png", 100)
	tests := []struct {
		name       string
		authz      string
		body       string
		noCreds    bool
		wantStatus int
		wantCode   string
	}{
		{"no token", "", body("avatar", ok), false, 401, wire.CodeUnauthenticated},
		{"bad token", "Bearer x.y.z", body("avatar", ok), false, 401, wire.CodeUnauthenticated},
		{"basic auth", "Basic dTpw", body("avatar", ok), false, 401, wire.CodeUnauthenticated},
		{"empty body", "", "", false, 401, wire.CodeUnauthenticated},
		{"empty body with token", "T", "", false, 400, wire.CodeInvalidJSON},
		{"not json", "T", "profile=avatar", false, 400, wire.CodeInvalidJSON},
		{"array", "T", `[1]`, false, 400, wire.CodeInvalidJSON},
		{"unknown field", "T", `{"profile":"avatar","files":[],"bucket":"x"}`, false, 400, wire.CodeInvalidJSON},
		{"unknown file field", "T", body("avatar", `{"name":"a","type":"image/png","size":1,"key":"k"}`), false, 400, wire.CodeInvalidJSON},
		{"trailing data", "T", body("avatar", ok) + `{}`, false, 400, wire.CodeInvalidJSON},
		{"trailing garbage", "T", body("avatar", ok) + `x`, false, 400, wire.CodeInvalidJSON},
		{"fractional size", "T", body("avatar", `{"name":"a","type":"image/png","size":1.5}`), false, 400, wire.CodeInvalidJSON},
		{"string size", "T", body("avatar", `{"name":"a","type":"image/png","size":"1"}`), false, 400, wire.CodeInvalidJSON},
		{"body over 64 KB", "T", body("avatar", file(strings.Repeat("a", 70000), "image/png", 1)), false, 413, wire.CodeBodyTooLarge},
		{"no profile", "T", `{"files":[` + ok + `]}`, false, 400, wire.CodeProfileRequired},
		{"unknown profile", "T", body("nope", ok), false, 400, wire.CodeUnknownProfile},
		{"no files", "T", body("avatar"), false, 400, wire.CodeNoFiles},
		{"too many files", "T", body("avatar", ok, ok), false, 400, wire.CodeTooManyFiles},
		{"empty name", "T", body("avatar", file("", "image/png", 1)), false, 400, wire.CodeInvalidFileName},
		{"name 256 bytes", "T", body("avatar", file(strings.Repeat("a", 256), "image/png", 1)), false, 400, wire.CodeInvalidFileName},
		{"name control char", "T", body("avatar", file("a\nb.png", "image/png", 1)), false, 400, wire.CodeInvalidFileName},
		{"name invalid utf-8", "T", body("avatar", `{"name":"a\udc00.png","type":"image/png","size":1}`), false, 200, ""},
		{"type not allowed", "T", body("avatar", file("a.pdf", "application/pdf", 1)), false, 415, wire.CodeUnsupportedType},
		{"type with parameter", "T", body("avatar", file("a.png", "image/png; x=1", 1)), false, 415, wire.CodeUnsupportedType},
		{"type empty", "T", body("avatar", file("a.png", "", 1)), false, 415, wire.CodeUnsupportedType},
		{"size zero", "T", body("avatar", file("a.png", "image/png", 0)), false, 400, wire.CodeInvalidSize},
		{"size negative", "T", body("avatar", file("a.png", "image/png", -5)), false, 400, wire.CodeInvalidSize},
		{"size over max", "T", body("avatar", file("a.png", "image/png", 5<<20+1)), false, 413, wire.CodeFileTooLarge},
		{"size at max", "T", body("avatar", file("a.png", "image/png", 5<<20)), false, 200, ""},
		{"size under min", "T", body("tiny", file("a.txt", "text/plain", 1)), false, 413, wire.CodeFileTooSmall},
		{"second file bad", "T", body("multi", ok, file("b.gif", "image/gif", 1)), false, 415, wire.CodeUnsupportedType},
		{"no credentials", "T", body("avatar", ok), true, 503, wire.CodeNoCredentials},
		{"no credentials but bad input", "T", body("avatar", file("a.png", "image/png", 0)), true, 400, wire.CodeInvalidSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			authz := tt.authz
			if authz == "T" {
				authz = token(t, "alice")
			}
			w := f.do(request{method: "POST", path: "/sign", authz: authz, body: tt.body, noCreds: tt.noCreds})
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantCode == "" {
				return
			}
			e := errorOf(t, w).Error
			if e.Code != tt.wantCode {
				t.Errorf("code: got %s, want %s", e.Code, tt.wantCode)
			}
			if e.Message == "" || e.RequestID == "" {
				t.Errorf("error: got %+v, want a message and a requestId", e)
			}
			if got := w.Header().Get("WWW-Authenticate"); (tt.wantStatus == 401) != (got != "") {
				t.Errorf("WWW-Authenticate: got %q for status %d", got, w.Code)
			}
		})
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	e := asError(errors.New("secret detail"))
	if e.Code != wire.CodeInternal || strings.Contains(e.Message, "secret") {
		t.Errorf("got %+v, want an internal error without the cause in its message", e)
	}
	if !errors.Is(asError(fmt.Errorf("x: %w", creds.ErrNone)), creds.ErrNone) {
		t.Error("asError loses the cause")
	}
}
