package upload

import (
	"mime"
	"strings"
	"testing"
	"unicode"
)

// TestContentDisposition checks the value every ticket pins against Go's
// own RFC 2183/2231 parser (an independent reading): the type is kept, the
// filename* parameter decodes to the name exactly, and the quoted filename
// fallback is printable ASCII without quote, backslash, percent sign or line
// break, short enough for any client.
func TestContentDisposition(t *testing.T) {
	names := []string{
		"me.png", `report "Q3".pdf`, `back\slash.txt`, "crlf\r\nInjected: yes.pdf", "100% done;.csv", `"><script>x</script>.png`, "a/b:c*d?e|f.txt",
		"用户 照片.jpg", "emoji 😀.png", "naïve café.docx", "tab\there.txt", "a'b=c,d.pdf", "",
		strings.Repeat("长", 85) + ".pdf", strings.Repeat("x", 300) + ".pdf",
	}
	for _, disp := range []string{"attachment", "inline"} {
		for _, name := range names {
			v := ContentDisposition(disp, name)
			typ, params, err := mime.ParseMediaType(v)
			if err != nil {
				t.Errorf("ContentDisposition(%q, %q) = %q: not parsable: %v", disp, name, v, err)
				continue
			}
			if typ != disp || params["filename"] != name && name != "" {
				t.Errorf("ContentDisposition(%q, %q) = %q: parses as %q %q, want %q %q", disp, name, v, typ, params["filename"], disp, name)
			}
			if strings.IndexFunc(v, func(r rune) bool { return r > unicode.MaxASCII || unicode.IsControl(r) }) >= 0 {
				t.Errorf("ContentDisposition(%q, %q) = %q: want printable ASCII only", disp, name, v)
			}
			_, rest, _ := strings.Cut(v, `filename="`)
			fallback, _, _ := strings.Cut(rest, `"`)
			if strings.ContainsAny(fallback, `\%/:*?<>|`) || len(fallback) > maxFallbackName {
				t.Errorf("ContentDisposition(%q, %q): fallback %q, want at most %d bytes without \\ %% / : * ? < > |", disp, name, fallback, maxFallbackName)
			}
		}
	}
}
