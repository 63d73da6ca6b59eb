package sign

import (
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// DownloadExpiry is how long the downloadUrl and thumbnailUrl of a record
// stay valid.
const DownloadExpiry = 5 * time.Minute

// ThumbnailProcess is the OSS image processing a thumbnailUrl asks for.
const ThumbnailProcess = "image/resize,w_256"

// thumbnailTypes are the types OSS image processing (and the local OSS)
// resizes.
var thumbnailTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// viewOf returns r with its URLs, signed with c at now: V4 presigned GETs
// of the object on the bucket's public URL (the upload URL), valid
// DownloadExpiry; images get a second one with x-oss-process.
func (h *Handler) viewOf(c signer.Credentials, r records.Record, now time.Time) (wire.UploadView, error) {
	v := wire.UploadView{Record: r}
	if r.Status != records.StatusOK || r.Key == "" {
		return v, nil
	}
	var err error
	if v.DownloadURL, err = h.presignGet(c, r.Key, nil, now); err != nil {
		return v, err
	}
	for _, t := range thumbnailTypes {
		if r.ContentType == t {
			v.ThumbnailURL, err = h.presignGet(c, r.Key, map[string]string{"x-oss-process": ThumbnailProcess}, now)
			break
		}
	}
	return v, err
}

// presignGet returns the URL of a presigned GET of key with query.
func (h *Handler) presignGet(c signer.Credentials, key string, query map[string]string, now time.Time) (string, error) {
	oss := &h.o.Config.OSS
	p, err := signer.Presign(c, signer.PresignRequest{Method: "GET", Bucket: oss.Bucket, Key: key, Query: query, Expires: DownloadExpiry}, oss.Region, now)
	if err != nil {
		return "", err
	}
	return objectURL(oss.UploadURL, key, p.Query), nil
}

// views returns the views of rs.
func (h *Handler) views(c signer.Credentials, rs []records.Record, now time.Time) ([]wire.UploadView, error) {
	out := make([]wire.UploadView, len(rs))
	for i, r := range rs {
		v, err := h.viewOf(c, r, now)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
