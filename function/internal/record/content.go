package record

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/gabriel-vasile/mimetype"
)

// CheckContent returns why the first bytes head of an object of size bytes
// break its declared type (lower case, without parameters), or "" when they
// do not. It is the record function's whole content check:
//
//   - the sniffed type must be the declared type or a kind of it
//     (TypeMatches); for HEIC and AVIF the ISO-BMFF ftyp brands decide;
//   - text (text/*) never passes as HTML, SVG, XML or a script, and never
//     holds active HTML markup (in head; the handler scans the rest of a
//     larger text object, see FullScan);
//   - an image must decode its header as that image (size and format), not
//     only begin with its magic bytes; when head is only the start of the
//     object, a header cut short by the end of head passes;
//   - with rejectPolyglots, an image or PDF whose head also holds HTML or
//     script markup (a polyglot) is refused.
func CheckContent(head []byte, size int64, declared string, rejectPolyglots bool) string {
	imageType := strings.HasPrefix(declared, "image/")
	if brands, ok := ftypBrands[declared]; ok {
		if why := checkFtyp(head, declared, brands); why != "" {
			return why
		}
	} else if !TypeMatches(head, declared) {
		return fmt.Sprintf("declared %s, content is %s", declared, Sniff(head))
	}
	if strings.HasPrefix(declared, "text/") {
		if t := activeText(head); t != "" {
			return fmt.Sprintf("declared %s, content is %s", declared, t)
		}
		if tag := markup(head); tag != "" {
			return fmt.Sprintf("declared %s, content holds HTML markup (%s)", declared, tag)
		}
	}
	if imageType {
		if err := decodeHeader(head, declared, int64(len(head)) < size); err != nil {
			return fmt.Sprintf("declared %s, header does not decode (%v)", declared, err)
		}
	}
	if rejectPolyglots && (imageType || declared == "application/pdf") {
		if tag := markup(head); tag != "" {
			return fmt.Sprintf("declared %s, content also holds HTML markup (%s)", declared, tag)
		}
	}
	return ""
}

// activeTypes are the detected types a text upload may not be: what a
// browser renders as a document or runs, and scripts.
var activeTypes = []string{
	"text/html", "application/xhtml+xml", "text/xml", "image/svg+xml", "text/javascript", "text/x-php",
	"text/x-python", "text/x-shellscript", "text/x-perl", "text/x-ruby", "text/x-lua", "text/x-tcl",
}

// activeText returns the active type (or the type whose kind it is) that
// head is detected as, or "".
func activeText(head []byte) string {
	d := mimetype.Detect(head)
	for m := d; m != nil; m = m.Parent() {
		for _, t := range activeTypes {
			if m.Is(t) {
				return BaseType(d.String())
			}
		}
	}
	return ""
}

// markupRE finds markup a browser would act on if it took the bytes for
// HTML: an opening tag of an element that renders, loads or runs something,
// or any plain tag with an on* event handler attribute. Tags are matched in
// any case and need a tag-ending byte after the name, as the HTML sniffing
// rules of the WHATWG MIME Sniffing standard do, so that the random bytes of
// compressed image data practically never match; namespaced XML tags (XMP
// metadata: <x:xmpmeta>, <rdf:RDF>) never do. It is compiled on first use,
// not at start: every function starts from this binary, and only the record
// function scans content.
var markupRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)<(!doctype\s+html|html|head|body|script|iframe|frame|frameset|svg|math|object|embed|applet|style|link|meta|base|form|img|video|audio|title|table|div|span|font|a\s+href)[\s/>]` +
		`|<[a-z][a-z0-9-]*[\s/][^<>]{0,256}?\bon[a-z]{3,}\s*=`)
})

// markup returns the first active markup in head (at most 40 bytes of it),
// or "".
func markup(head []byte) string {
	m := markupRE().Find(head)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%.40q", m)
}
