package record

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

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
}

// ErrNotFound is wrapped by Objects errors for a missing object (or the
// error is OSS's own; see IsNotFound).
var ErrNotFound = errors.New("record: object not found")

// ErrSuperseded is wrapped by Read errors when the object no longer has the
// ETag asked for: a newer write replaced it (OSS answered 412).
var ErrSuperseded = errors.New("record: object superseded by a newer version")

// IsNotFound reports whether err reports a missing object or record: it
// wraps ErrNotFound or records.ErrNotFound, or is OSS's answer for a missing
// object.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, records.ErrNotFound) || ossclient.IsNotFound(err)
}

// IsDenied reports whether err is OSS's 403 AccessDenied: in tag mode, the
// bucket policy that hides quarantined objects refuses the record role too.
func IsDenied(err error) bool {
	var se oss.ServiceError
	return errors.As(err, &se) && se.StatusCode == http.StatusForbidden && se.Code == "AccessDenied"
}

// Objects is the object API the record function needs. Errors for a missing
// object satisfy IsNotFound.
type Objects interface {
	// Read returns what OSS tells about key and at most its first n bytes,
	// with one ranged GET; when etag is not empty, only if the object's
	// ETag is still etag (If-Match), else an error wrapping ErrSuperseded.
	// The info and the bytes are of one version.
	Read(ctx context.Context, key, etag string, n int64) (ObjectInfo, []byte, error)
	// Copy copies src to dst in the same bucket, metadata included; dst is
	// private whatever the bucket's ACL.
	Copy(ctx context.Context, src, dst string) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Tag replaces the tags of key with tags.
	Tag(ctx context.Context, key string, tags map[string]string) error
}

// OSSObjects implements Objects on an OSS bucket (one per invocation).
type OSSObjects struct{ Bucket *oss.Bucket }

// Read implements Objects: GET with Range: bytes=0-(n-1) and, for an etag,
// If-Match: "<etag>" (unquoted and upper-cased first, as events carry it).
func (o OSSObjects) Read(ctx context.Context, key, etag string, n int64) (ObjectInfo, []byte, error) {
	opts := []oss.Option{oss.Range(0, n-1), oss.WithContext(ctx)}
	if etag != "" {
		opts = append(opts, oss.IfMatch(`"`+records.NormalizeETag(etag)+`"`))
	}
	res, err := o.Bucket.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, opts)
	var se oss.ServiceError
	if errors.As(err, &se) && se.StatusCode == http.StatusPreconditionFailed {
		return ObjectInfo{}, nil, fmt.Errorf("record: read %q: %w (%w)", key, ErrSuperseded, err)
	}
	if err != nil {
		return ObjectInfo{}, nil, fmt.Errorf("record: read %q: %w", key, err)
	}
	defer res.Response.Close()
	head, err := io.ReadAll(io.LimitReader(res.Response.Body, n))
	if err != nil {
		return ObjectInfo{}, nil, fmt.Errorf("record: read %q: %w", key, err)
	}
	return infoFromHeader(key, res.Response.Headers), head, nil
}

// infoFromHeader reads an ObjectInfo from a GET answer's headers: the size
// from Content-Range (a 206) or Content-Length (a 200: OSS ignores a range
// it cannot satisfy, such as any range of an empty object). Unparsable size
// or date fields stay zero.
func infoFromHeader(key string, h http.Header) ObjectInfo {
	size, _ := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if cr := h.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			size, _ = strconv.ParseInt(cr[i+1:], 10, 64)
		}
	}
	lm, _ := http.ParseTime(h.Get("Last-Modified"))
	return ObjectInfo{
		Key: key, ContentType: h.Get("Content-Type"), ETag: h.Get("ETag"), Size: size, LastModified: lm.UTC(),
		Uploader: h.Get(upload.MetaUploader), Profile: h.Get(upload.MetaProfile),
		Filename: upload.UnescapeFilename(h.Get(upload.MetaFilename)),
	}
}

// Copy implements Objects; the copy is written x-oss-object-acl: private.
func (o OSSObjects) Copy(ctx context.Context, src, dst string) error {
	if _, err := o.Bucket.CopyObject(src, dst, oss.ObjectACL(oss.ACLPrivate), oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("record: copy %q to %q: %w", src, dst, err)
	}
	return nil
}

// Delete implements Objects.
func (o OSSObjects) Delete(ctx context.Context, key string) error {
	if err := o.Bucket.DeleteObject(key, oss.WithContext(ctx)); err != nil && !IsNotFound(err) {
		return fmt.Errorf("record: delete %q: %w", key, err)
	}
	return nil
}

// Tag implements Objects.
func (o OSSObjects) Tag(ctx context.Context, key string, tags map[string]string) error {
	var t oss.Tagging
	for k, v := range tags {
		t.Tags = append(t.Tags, oss.Tag{Key: k, Value: v})
	}
	if err := o.Bucket.PutObjectTagging(key, t, oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("record: tag %q: %w", key, err)
	}
	return nil
}
