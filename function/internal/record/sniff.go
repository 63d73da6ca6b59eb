package record

import (
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// SniffLen is how many leading bytes of an object the record function reads
// (one ranged GET) to detect its type and check its content: enough for an
// image header after the metadata segments a phone writes before it, and
// far more than the first 1,445 bytes a browser sniffs for HTML (the
// polyglot scan); type detection itself looks at the first 3072. A text
// object is scanned further, in full (FullScan).
const SniffLen = 64 << 10

// Sniff returns the MIME type detected from the leading bytes of a content,
// without parameters. Empty content is "text/plain".
func Sniff(head []byte) string {
	return BaseType(mimetype.Detect(head).String())
}

// BaseType returns the lower-case media type of a Content-Type value,
// without parameters ("Image/PNG; x=1" → "image/png").
func BaseType(ct string) string {
	if t, _, err := mime.ParseMediaType(ct); err == nil {
		return t
	}
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// TypeMatches reports whether content whose leading bytes are head may
// carry the declared type: the detected type equals it (aliases included,
// parameters ignored) or is a kind of it (JSON or CSV declared as
// text/plain; anything declared as application/octet-stream). A PNG
// declared as image/jpeg, or text declared as image/png, does not match.
func TypeMatches(head []byte, declared string) bool {
	declared = BaseType(declared)
	if declared == "" {
		return false
	}
	for m := mimetype.Detect(head); m != nil; m = m.Parent() {
		if m.Is(declared) {
			return true
		}
	}
	return false
}
