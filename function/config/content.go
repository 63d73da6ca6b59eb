package config

import "strings"

// The Content-Disposition types a profile may pin on its uploads.
const (
	DispositionAttachment = "attachment" // browsers download the object
	DispositionInline     = "inline"     // browsers may show it in place
)

// ImageOnly reports whether every type the profile allows is an image.
func (p Profile) ImageOnly() bool {
	for _, t := range p.Types {
		if !strings.HasPrefix(t, "image/") {
			return false
		}
	}
	return len(p.Types) > 0
}

// contentRules applies the defaults of the fields that say how uploads are
// served and checked: disposition (inline for a profile of images only,
// attachment otherwise, so OSS never shows a document, text or video inline
// on the bucket's domain unless the profile asks) and rejectPolyglots (on
// unless the profile turns it off). bad records a problem.
func contentRules(p *Profile, pj profileJSON, bad func(format string, a ...any)) {
	switch p.Disposition = pj.Disposition; p.Disposition {
	case "":
		p.Disposition = DispositionAttachment
		if p.ImageOnly() {
			p.Disposition = DispositionInline
		}
	case DispositionAttachment, DispositionInline:
	default:
		bad("disposition must be %q or %q, got %q", DispositionAttachment, DispositionInline, pj.Disposition)
	}
	p.RejectPolyglots = pj.RejectPolyglots == nil || *pj.RejectPolyglots
}
