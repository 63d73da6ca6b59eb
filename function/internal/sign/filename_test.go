package sign

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// TestInvisibleCharactersInFileNames: a file name with a character of
// Unicode category Cf (bidi overrides such as U+202E, zero-width
// characters), Zl or Zp is refused as InvalidFileName, so no name can show
// one extension and carry another; an accepted name is kept NFC-normalised.
func TestInvisibleCharactersInFileNames(t *testing.T) {
	f := newFixture(t, nil)
	ask := func(name string) (int, string, wire.SignResponse) {
		body, _ := json.Marshal(map[string]any{"profile": "avatar", "files": []map[string]any{{"name": name, "type": "image/png", "size": 10}}})
		w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: string(body)})
		var res wire.SignResponse
		if w.Code == http.StatusOK {
			_ = json.Unmarshal(w.Body.Bytes(), &res)
			return w.Code, "", res
		}
		return w.Code, errorOf(t, w).Error.Code, res
	}
	for _, name := range []string{
		"photo\u202egnp.exe", // RIGHT-TO-LEFT OVERRIDE: shows as photoexe.png
		"a\u2066b.png",       // LEFT-TO-RIGHT ISOLATE
		"zero\u200bwidth.png", "join\u200dme.png", "non\u200cjoin.png", "\ufeffbom.png", "soft\u00adhyphen.png",
		"line\u2028sep.png", "para\u2029sep.png", "tag\U000E0041.png",
	} {
		if status, code, _ := ask(name); status != http.StatusBadRequest || code != wire.CodeInvalidFileName {
			t.Errorf("name %+q: got %d %s, want 400 %s", name, status, code, wire.CodeInvalidFileName)
		}
	}
	for name, want := range map[string]string{
		"cafe\u0301.png":  "caf\u00e9.png", // decomposed é becomes one code point
		"\u212b.png":      "\u00c5.png",    // ANGSTROM SIGN becomes Å
		"用户 照片.png":       "用户 照片.png",
		"emoji 😀 ü.png":   "emoji 😀 ü.png",
		"arabic عربي.png": "arabic عربي.png",
	} {
		status, code, res := ask(name)
		if status != http.StatusOK {
			t.Errorf("name %+q: got %d %s, want 200", name, status, code)
			continue
		}
		if got := res.Uploads[0].Fields.Get(upload.MetaFilename); got != upload.EscapeFilename(want) {
			t.Errorf("name %+q: metadata %q, want %q (NFC %+q)", name, got, upload.EscapeFilename(want), want)
		}
	}
}
