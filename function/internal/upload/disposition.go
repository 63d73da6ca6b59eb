package upload

import (
	"path"
	"strings"
	"unicode/utf8"
)

// maxFallbackName bounds the plain filename="..." parameter of
// ContentDisposition; filename* always carries the whole name.
const maxFallbackName = 100

// ContentDisposition returns the Content-Disposition value a ticket pins for
// a file named name (RFC 6266): disposition ("attachment" or "inline"), a
// plain filename parameter, and a filename* parameter holding the whole
// name as an RFC 5987 ext-value (charset UTF-8, no language, every byte
// but attr-chars percent-encoded):
//
//	attachment; filename="report _Q3_.pdf"; filename*=UTF-8''report%20%22Q3%22.pdf
//
// The plain filename, for clients that ignore filename*, keeps the printable
// ASCII of the name except the quote, the backslash, '%' and the characters
// file systems refuse (/:*?<>|): each of these, and any other character,
// becomes '_'; at most maxFallbackName bytes, with the extension kept. The value is
// printable ASCII whatever name holds; an empty name gives disposition alone.
func ContentDisposition(disposition, name string) string {
	if name == "" {
		return disposition
	}
	var b strings.Builder
	b.Grow(len(disposition) + 40 + len(name)*4)
	b.WriteString(disposition)
	b.WriteString(`; filename="`)
	b.WriteString(fallbackName(name))
	b.WriteString(`"; filename*=UTF-8''`)
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		if c := name[i]; attrChar(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// fallbackName is the ASCII stand-in of name for filename="...".
func fallbackName(name string) string {
	b := make([]byte, 0, min(len(name), maxFallbackName))
	for _, r := range name {
		switch {
		case strings.ContainsRune(`"\\%/:*?<>|`, r) || r < ' ' || r >= utf8.RuneSelf || r == 0x7f:
			b = append(b, '_')
		default:
			b = append(b, byte(r))
		}
	}
	s := string(b)
	if len(s) <= maxFallbackName {
		return s
	}
	ext := path.Ext(s)
	if len(ext) > 16 {
		ext = ""
	}
	return s[:maxFallbackName-len(ext)] + ext
}

// attrChar reports whether RFC 5987 lets c stand as itself in an
// ext-value: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^"
// / "_" / "`" / "|" / "~".
func attrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
