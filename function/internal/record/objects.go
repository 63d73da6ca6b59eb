package record

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// ObjectInfo is what HeadObject tells about an uploaded object.
type ObjectInfo struct {
	Key          string
	ContentType  string
	ETag         string // as OSS sent it (quoted)
	Size         int64
	LastModified time.Time
	Uploader     string // upload.MetaUploader
	Profile      string // upload.MetaProfile
	Filename     string // upload.MetaFilename, unescaped (upload.UnescapeFilename)
}

// ErrNotFound is wrapped by Objects errors for a missing object (or the
// error is OSS's own; see IsNotFound).
var ErrNotFound = errors.New("record: object not found")

// IsNotFound reports whether err reports a missing object or record: it
// wraps ErrNotFound or records.ErrNotFound, or is OSS's answer for a missing
// object.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, records.ErrNotFound) || ossclient.IsNotFound(err)
}

// Objects is the object API the record function needs. Errors for a missing
// object satisfy IsNotFound.
type Objects interface {
	Head(ctx context.Context, key string) (ObjectInfo, error)
	// ReadHead returns at most the first n bytes of key.
	ReadHead(ctx context.Context, key string, n int64) ([]byte, error)
	// Copy copies src to dst in the same bucket, metadata included.
	Copy(ctx context.Context, src, dst string) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Tag replaces the tags of key with tags.
	Tag(ctx context.Context, key string, tags map[string]string) error
}

// OSSObjects implements Objects on an OSS bucket (one per invocation).
type OSSObjects struct{ Bucket *oss.Bucket }

// Head implements Objects.
func (o OSSObjects) Head(ctx context.Context, key string) (ObjectInfo, error) {
	h, err := o.Bucket.GetObjectDetailedMeta(key, oss.WithContext(ctx))
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("record: head %q: %w", key, err)
	}
	return infoFromHeader(key, h), nil
}

// infoFromHeader reads an ObjectInfo from HeadObject's response headers.
// Unparsable size or date fields stay zero.
func infoFromHeader(key string, h http.Header) ObjectInfo {
	size, _ := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	lm, _ := http.ParseTime(h.Get("Last-Modified"))
	return ObjectInfo{
		Key: key, ContentType: h.Get("Content-Type"), ETag: h.Get("ETag"), Size: size, LastModified: lm.UTC(),
		Uploader: h.Get(upload.MetaUploader), Profile: h.Get(upload.MetaProfile),
		Filename: upload.UnescapeFilename(h.Get(upload.MetaFilename)),
	}
}

// ReadHead implements Objects with a ranged GET.
func (o OSSObjects) ReadHead(ctx context.Context, key string, n int64) ([]byte, error) {
	rc, err := o.Bucket.GetObject(key, oss.Range(0, n-1), oss.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("record: read %q: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, n))
	if err != nil {
		return nil, fmt.Errorf("record: read %q: %w", key, err)
	}
	return b, nil
}

// Copy implements Objects.
func (o OSSObjects) Copy(ctx context.Context, src, dst string) error {
	if _, err := o.Bucket.CopyObject(src, dst, oss.WithContext(ctx)); err != nil {
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
