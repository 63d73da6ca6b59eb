package sign

import (
	"context"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// MultipartClaimLife is how long a multipart upload counts against its
// user's quota when it is not recorded: the sweep function's default age,
// after which an unfinished upload is aborted.
const MultipartClaimLife = config.DefaultSweepAge

// admitMultipart admits the upload just initiated (key, uploadID) through
// the profile's quota, as POST /sign admits its tickets (Admit), with the
// declared size; refused, the upload is aborted again (best effort: the
// sweep function reaps what an abort leaves) and the refusal returned
// (429 QuotaExceeded, or 503 when the store cannot decide). Admitting after
// the initiation means a failed initiation never holds a claim.
func (h *Handler) admitMultipart(ctx context.Context, mp MultipartOSS, user string, p config.Profile, f FileRequest, key, uploadID string, now time.Time) error {
	claim := records.Claim{Key: key, Size: f.Size, Expires: now.Add(MultipartClaimLife)}
	err := h.Admit(ctx, user, p, []records.Claim{claim}, now)
	if err != nil {
		if aerr := mp.Abort(key, uploadID); aerr != nil {
			h.o.Logger.WarnContext(ctx, "sign: abort of a refused multipart upload failed", "key", key, "error", aerr.Error())
		}
	}
	return err
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
