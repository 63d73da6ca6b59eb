package ossclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// ErrSuperseded is wrapped by Objects.Read errors when the object no
// longer has the ETag asked for: a newer write replaced it (OSS answered
// 412 to If-Match).
var ErrSuperseded = errors.New("ossclient: object superseded by a newer version")

// Object is what the answer to a GET tells about an object.
type Object struct {
	Key          string
	ContentType  string
	ETag         string // as OSS sent it (quoted)
	Size         int64  // the whole object's, also when the GET was ranged
	LastModified time.Time
	// Meta holds the object's x-oss-meta-* headers, by lower-case name.
	Meta map[string]string
}

// Objects lists, writes, reads, copies, tags and deletes the objects of
// one bucket (built for one invocation or request: see Opener.Objects).
type Objects struct {
	Bucket *oss.Bucket
}

// Objects returns the object calls on the configured bucket, signed with
// the credentials of ctx (see Client).
func (o Opener) Objects(ctx context.Context) (Objects, error) {
	b, err := o.Bucket(ctx)
	if err != nil {
		return Objects{}, err
	}
	return Objects{Bucket: b}, nil
}

// Read returns what OSS tells about key and at most its first n bytes,
// with one GET with Range: bytes=0-(n-1) and, when etag is not empty,
// If-Match: "<etag>" (etag unquoted, as events carry it; a mismatch wraps
// ErrSuperseded). The info and the bytes are of one
// version.
func (o Objects) Read(ctx context.Context, key, etag string, n int64) (Object, []byte, error) {
	rc, info, err := o.open(ctx, key, etag, 0, n)
	if err != nil {
		return Object{}, nil, err
	}
	defer rc.Close()
	head, err := io.ReadAll(io.LimitReader(rc, n))
	if err != nil {
		return Object{}, nil, fmt.Errorf("ossclient: read %q: %w", key, err)
	}
	return info, head, nil
}

// Stream returns the bytes of key from offset from on, at most n of them,
// as a stream the caller closes: one GET with a Range and, for an etag, the
// If-Match Read sends.
func (o Objects) Stream(ctx context.Context, key, etag string, from, n int64) (io.ReadCloser, error) {
	rc, _, err := o.open(ctx, key, etag, from, n)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, n), rc}, nil
}

// open GETs n bytes of key from offset from, pinned to etag when it is
// not empty.
func (o Objects) open(ctx context.Context, key, etag string, from, n int64) (io.ReadCloser, Object, error) {
	opts := []oss.Option{oss.Range(from, from+n-1), oss.WithContext(ctx)}
	if etag != "" {
		opts = append(opts, oss.IfMatch(`"`+etag+`"`))
	}
	res, err := o.Bucket.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, opts)
	var se oss.ServiceError
	if errors.As(err, &se) && se.StatusCode == http.StatusPreconditionFailed {
		return nil, Object{}, fmt.Errorf("ossclient: read %q: %w (%w)", key, ErrSuperseded, err)
	}
	if err != nil {
		return nil, Object{}, fmt.Errorf("ossclient: read %q: %w", key, err)
	}
	return res.Response.Body, objectOf(key, res.Response.Headers), nil
}

// objectOf reads an Object from a GET answer's headers: the size from
// Content-Range (a 206) or Content-Length (a 200: OSS ignores a range it
// cannot satisfy, such as any range of an empty object). Unparsable size or
// date fields stay zero.
func objectOf(key string, h http.Header) Object {
	size, _ := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if cr := h.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			size, _ = strconv.ParseInt(cr[i+1:], 10, 64)
		}
	}
	lm, _ := http.ParseTime(h.Get("Last-Modified"))
	return Object{
		Key: key, ContentType: h.Get("Content-Type"), ETag: h.Get("ETag"), Size: size, LastModified: lm.UTC(),
		Meta: metaOf(h),
	}
}

// metaOf returns the x-oss-meta-* headers of h, by lower-case name.
func metaOf(h http.Header) map[string]string {
	meta := map[string]string{}
	for name, v := range h {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-oss-meta-") && len(v) > 0 {
			meta[n] = v[0]
		}
	}
	return meta
}

// Put writes body to key with Content-Type ctype. The object's ACL is
// the bucket's: Put is for ossgate's own small objects under a private
// prefix, not for uploads.
func (o Objects) Put(ctx context.Context, key, ctype string, body []byte) error {
	if err := o.Bucket.PutObject(key, bytes.NewReader(body), oss.ContentType(ctype), oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("ossclient: put %q: %w", key, err)
	}
	return nil
}

// Get returns the whole body of key, which must be at most limit bytes: a
// larger object is an error, after reading no more than limit+1 bytes. A
// missing key is an error for which IsNotFound is true.
func (o Objects) Get(ctx context.Context, key string, limit int64) ([]byte, error) {
	rc, err := o.Bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("ossclient: get %q: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("ossclient: get %q: %w", key, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("ossclient: get %q: larger than %d bytes", key, limit)
	}
	return b, nil
}

// Copy copies src to dst in the same bucket, metadata included; dst is
// written x-oss-object-acl: private whatever the bucket's ACL.
func (o Objects) Copy(ctx context.Context, src, dst string) error {
	if _, err := o.Bucket.CopyObject(src, dst, oss.ObjectACL(oss.ACLPrivate), oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("ossclient: copy %q to %q: %w", src, dst, err)
	}
	return nil
}

// Delete removes key; a missing key is not an error.
func (o Objects) Delete(ctx context.Context, key string) error {
	if err := o.Bucket.DeleteObject(key, oss.WithContext(ctx)); err != nil && !IsNotFound(err) {
		return fmt.Errorf("ossclient: delete %q: %w", key, err)
	}
	return nil
}

// Tag replaces the tags of key with tags.
func (o Objects) Tag(ctx context.Context, key string, tags map[string]string) error {
	var t oss.Tagging
	for k, v := range tags {
		t.Tags = append(t.Tags, oss.Tag{Key: k, Value: v})
	}
	if err := o.Bucket.PutObjectTagging(key, t, oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("ossclient: tag %q: %w", key, err)
	}
	return nil
}
