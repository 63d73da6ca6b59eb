package record

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// ObjectInfo is what the answer to a GET tells about an uploaded object.
type ObjectInfo struct {
	Key          string
	ContentType  string
	ETag         string // as OSS sent it (quoted)
	Size         int64  // the whole object's, also when the GET was ranged
	LastModified time.Time
	Uploader     string // upload.MetaUploader
	Profile      string // upload.MetaProfile
	Filename     string // upload.MetaFilename, unescaped (upload.UnescapeFilename)
	OpenID       string // upload.MetaOpenID, "" when absent
}

// ErrNotFound is wrapped by Objects errors for a missing object (or the
// error is OSS's own; see IsNotFound).
var ErrNotFound = errors.New("record: object not found")

// ErrSuperseded is wrapped by Read errors when the object no longer has the
// ETag asked for: a newer write replaced it (OSS answered 412). It is
// ossclient's error of that answer.
var ErrSuperseded = ossclient.ErrSuperseded

// IsNotFound reports whether err reports a missing object or record: it
// wraps ErrNotFound or records.ErrNotFound, or is OSS's answer for a missing
// object.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, records.ErrNotFound) || ossclient.IsNotFound(err)
}

// IsDenied reports whether err is OSS's 403 AccessDenied: in tag mode, the
// bucket policy that hides quarantined objects refuses the record role too.
func IsDenied(err error) bool { return ossclient.IsDenied(err) }

// Objects is the object API the record function needs. Errors for a missing
// object satisfy IsNotFound.
type Objects interface {
	// Read returns what OSS tells about key and at most its first n bytes,
	// with one ranged GET; when etag is not empty, only if the object's
	// ETag is still etag (If-Match), else an error wrapping ErrSuperseded.
	// The info and the bytes are of one version.
	Read(ctx context.Context, key, etag string, n int64) (ObjectInfo, []byte, error)
	// Stream returns at most n bytes of key from offset from on, as a
	// stream the caller closes, pinned to etag as Read is.
	Stream(ctx context.Context, key, etag string, from, n int64) (io.ReadCloser, error)
	// Copy copies src to dst in the same bucket, metadata included; dst is
	// private whatever the bucket's ACL.
	Copy(ctx context.Context, src, dst string) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Tag replaces the tags of key with tags.
	Tag(ctx context.Context, key string, tags map[string]string) error
}

// OSSObjects implements Objects with ossclient's object calls on the
// invocation's bucket.
type OSSObjects struct{ ossclient.Objects }

// Read implements Objects; an etag is sent unquoted and upper-cased, as
// events carry it.
func (o OSSObjects) Read(ctx context.Context, key, etag string, n int64) (ObjectInfo, []byte, error) {
	obj, head, err := o.Objects.Read(ctx, key, normalETag(etag), n)
	if err != nil {
		return ObjectInfo{}, nil, err
	}
	return ObjectInfo{
		Key: key, ContentType: obj.ContentType, ETag: obj.ETag, Size: obj.Size, LastModified: obj.LastModified,
		Uploader: obj.Meta[upload.MetaUploader], Profile: obj.Meta[upload.MetaProfile],
		Filename: upload.UnescapeFilename(obj.Meta[upload.MetaFilename]), OpenID: obj.Meta[upload.MetaOpenID],
	}, head, nil
}

// Stream implements Objects, pinned to etag as Read is.
func (o OSSObjects) Stream(ctx context.Context, key, etag string, from, n int64) (io.ReadCloser, error) {
	return o.Objects.Stream(ctx, key, normalETag(etag), from, n)
}

// normalETag is etag as If-Match takes it: unquoted, upper-cased; "" stays
// "" (no condition).
func normalETag(etag string) string {
	if etag == "" {
		return ""
	}
	return records.NormalizeETag(etag)
}
