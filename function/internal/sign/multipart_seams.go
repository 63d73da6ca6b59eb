package sign

import (
	"context"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// admit decides whether user may start an upload of f under p. It is the
// one call site of the per-user quota at multipart initiation.
//
// TODO(issue 16, quotas): call the sign package's admission function that
// POST /sign uses (added on the appdata branch) here, with the same
// arguments; an error it returns (429 QuotaExceeded) is answered as is.
// Until both land, every initiation is admitted.
func (h *Handler) admit(_ context.Context, _ string, _ config.Profile, _ FileRequest) error {
	return nil
}

// disposition is the Content-Disposition the object of f gets at
// initiation, "" for none.
//
// TODO(issue 14, hardening): return the value POST /sign pins in its
// policies (the profile's disposition, built by the upload contract's
// Content-Disposition function), so multipart objects are served like form
// uploads. Until both land, no Content-Disposition is set, as for form
// uploads on main.
func (h *Handler) disposition(_ config.Profile, _ FileRequest) string {
	return ""
}

// initiation is what the object of f, uploaded by user under p, carries:
// its declared type, the upload contract's metadata (as a ticket pins
// them), disposition ("" for none) and x-oss-forbid-overwrite.
func initiation(user string, p config.Profile, f FileRequest, disposition string) ossclient.Initiation {
	return ossclient.Initiation{
		ContentType:        f.Type,
		ContentDisposition: disposition,
		Meta: map[string]string{
			upload.MetaUploader: user,
			upload.MetaProfile:  p.Name,
			upload.MetaFilename: upload.EscapeFilename(f.Name),
		},
		ForbidOverwrite: true,
	}
}
