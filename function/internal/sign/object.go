package sign

import (
	"strings"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// objectURL is the URL of the object at key under base (the bucket's
// upload URL or its public base URL), followed by "?" and query when query
// is not empty.
func objectURL(base, key, query string) string {
	var b strings.Builder
	b.Grow(len(base) + len(key) + len(query) + 2)
	b.WriteString(base)
	b.WriteByte('/')
	b.WriteString(upload.EscapeKey(key))
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}

// publicURL is where the object at key is served.
func (h *Handler) publicURL(key string) string {
	return objectURL(h.o.Config.OSS.PublicBaseURL, key, "")
}

// pinned is what an upload's object carries besides its bytes and type,
// the same whichever way it is uploaded: the upload contract's metadata
// (package upload) and its Content-Disposition. A ticket's policy pins
// these values; a multipart initiation sets them.
type pinned struct {
	uploader, profile, filename string
	disposition                 string // "" for none
}

// pin returns what the object of f, uploaded by user under p, carries.
func pin(user string, p config.Profile, f wire.File) pinned {
	return pinned{
		uploader: user, profile: p.Name, filename: upload.EscapeFilename(f.Name),
		disposition: upload.ContentDisposition(p.Disposition, f.Name),
	}
}

// initiation is how a multipart upload of a file of type ctype is
// initiated: with m and x-oss-forbid-overwrite.
func (m pinned) initiation(ctype string) ossclient.Initiation {
	return ossclient.Initiation{
		ContentType:        ctype,
		ContentDisposition: m.disposition,
		Meta: map[string]string{
			upload.MetaUploader: m.uploader,
			upload.MetaProfile:  m.profile,
			upload.MetaFilename: m.filename,
		},
		ForbidOverwrite: true,
	}
}
