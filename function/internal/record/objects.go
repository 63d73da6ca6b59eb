package record

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// ObjectInfo is what HeadObject tells about an uploaded object.
type ObjectInfo struct {
	Key          string
	ContentType  string
	ETag         string // as OSS sent it (quoted)
	Size         int64
	LastModified time.Time
	Uploader     string // x-oss-meta-uploader
	Profile      string // x-oss-meta-profile
	Filename     string // x-oss-meta-filename, URL-unescaped when it unescapes
}

// Objects is the object API the record function needs. Errors for a missing
// object wrap ErrNotFound or are OSS NoSuchKey errors (see IsNotFound).
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
	name := h.Get("X-Oss-Meta-Filename")
	if u, err := url.PathUnescape(name); err == nil {
		name = u
	}
	return ObjectInfo{
		Key: key, ContentType: h.Get("Content-Type"), ETag: h.Get("ETag"), Size: size, LastModified: lm.UTC(),
		Uploader: h.Get("X-Oss-Meta-Uploader"), Profile: h.Get("X-Oss-Meta-Profile"), Filename: name,
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
