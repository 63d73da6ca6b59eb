package ossemu

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

func validUTF8(s string) bool { return utf8.ValidString(s) }

// putObject serves PutObject: the body (at most MaxObjectSize; with
// Content-Length, or chunked, Transfer-Encoding: chunked, as OSS accepts it
// and as aliyun-oss-go-sdk sends an empty body) becomes the object, with Content-Type, x-oss-meta-*, the
// stored standard headers and x-oss-tagging from the request headers.
func (s *Server) putObject(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if h := conditionalHeader(q.r.Header); h != "" {
		return errUnsupported("the " + h + " condition on PutObject")
	}
	if err := checkKey(q.key); err != nil {
		return err
	}
	n := q.r.ContentLength
	if n > s.cfg.MaxObjectSize {
		return errTooLarge()
	}
	limit := n
	if n < 0 { // chunked: up to the size limit
		limit = s.cfg.MaxObjectSize
	}
	meta, err := headerMeta(q.r.Header, q.key)
	if err != nil {
		return err
	}
	if meta.Tags, err = parseTagging(q.r.Header.Get("x-oss-tagging")); err != nil {
		return err
	}
	cb, err := headerCallback(q.r.Header)
	if err != nil {
		return err
	}
	p, err := s.store.Create(q.bucket, limit)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := readBody(q, p, n); err != nil {
		return err
	}
	if err := s.commit(q, p, meta, "ObjectCreated:PutObject", forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	if cb != nil {
		return s.runCallback(q, cb, meta, "PutObject")
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// conditionalHeader returns the first HTTP conditional header of h, or "".
// OSS conditions reads and copies, not writes (x-oss-forbid-overwrite is its
// write condition): a PutObject carrying one is refused, 501 NotImplemented
// "A header you provided implies functionality that is not implemented", as
// a report of OSS's answer to If-None-Match / If-Match on PutObject
// (github.com/tobi/walgit/issues/67) quotes it, and as aliyun-oss-go-sdk's
// TestPutObjectNegative expects for If-Modified-Since.
func conditionalHeader(h http.Header) string {
	for _, name := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
		if h.Get(name) != "" {
			return name
		}
	}
	return ""
}

// readBody streams q's body of size bytes (-1: chunked, any size up to p's
// limit) into p and checks it against the request's Content-MD5, if any: a
// short body is InvalidArgument, one past the limit EntityTooLarge, a
// mismatch InvalidDigest.
func readBody(q *request, p *disk.Pending, size int64) error {
	_, err := io.Copy(p, q.r.Body)
	if errors.Is(err, disk.ErrLimit) {
		return errTooLarge()
	}
	if err != nil || (size >= 0 && p.Size() != size) {
		return errInvalidArgument("The request body is shorter than its Content-Length.")
	}
	if want := q.r.Header.Get("Content-MD5"); want != "" {
		if b, err := base64.StdEncoding.DecodeString(want); err != nil || !bytes.Equal(b, p.MD5()) {
			return errInvalidDigest()
		}
	}
	return nil
}

// commit makes p the object described by meta, honouring
// forbid (x-oss-forbid-overwrite), sets the ETag and CRC headers and emits the event.
func (s *Server) commit(q *request, p *disk.Pending, meta *disk.Meta, event string, forbid bool) error {
	meta.LastModified = s.cfg.Now().UTC().Truncate(time.Second)
	prev, err := p.Commit(s.store, q.bucket, meta, forbid)
	if errors.Is(err, disk.ErrExists) {
		return errFileExists()
	}
	if err != nil {
		return err
	}
	q.w.Header().Set("ETag", `"`+meta.ETag+`"`)
	q.w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(meta.CRC64, 10))
	if sum, err := hex.DecodeString(meta.ETag); err == nil {
		q.w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
	}
	sseHeaders(q.w.Header(), meta)
	s.emit(q, event, meta, prev)
	return nil
}

// headerMeta builds object metadata from request headers.
func headerMeta(h http.Header, key string) (*disk.Meta, error) {
	m := &disk.Meta{Key: key, UserMeta: map[string]string{}, Headers: map[string]string{}}
	m.ContentType = firstNonEmpty(h.Get("Content-Type"), guessType(key))
	size := 0
	for k := range h {
		if l := strings.ToLower(k); strings.HasPrefix(l, "x-oss-meta-") {
			m.UserMeta[l] = h.Get(k)
			size += len(l) + len(h.Get(k))
		}
	}
	if size > maxUserMetaBytes {
		return nil, errInvalidArgument("Your metadata headers exceed the maximum allowed metadata size.")
	}
	for _, name := range storedHeaders {
		if v := h.Get(name); v != "" {
			m.Headers[name] = v
		}
	}
	acl, err := parseACL(h.Get("x-oss-object-acl"))
	if err != nil {
		return nil, err
	}
	m.ACL = acl
	if m.StorageClass, err = storageClass(h.Get("x-oss-storage-class")); err != nil {
		return nil, err
	}
	if err := sseMeta(h, m); err != nil {
		return nil, err
	}
	return m, nil
}

// storageClass reads an x-oss-storage-class value (the PutObject page of the
// OSS API reference): Standard and IA (Infrequent Access, read like
// Standard) are stored and answered; the archive classes, whose objects must
// be restored before a read, are not emulated and are refused, as OSS
// refuses what it does not implement; anything else is InvalidArgument.
func storageClass(v string) (string, error) {
	switch v {
	case "", "Standard":
		return "", nil
	case "IA":
		return v, nil
	case "Archive", "ColdArchive", "DeepColdArchive":
		return "", errUnsupported("the " + v + " storage class")
	}
	return "", errInvalidArgument("Invalid storage class: %s", v)
}

// deleteObject serves DeleteObject: 204 whether or not the key existed.
func (s *Server) deleteObject(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if err := s.store.Remove(q.bucket, q.key); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// copyObject serves CopyObject: the source is openCopySource's;
// x-oss-metadata-directive COPY (default) keeps the source
// metadata, REPLACE takes it from the request; tags are copied unless
// x-oss-tagging-directive is Replace.
func (s *Server) copyObject(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if err := checkKey(q.key); err != nil {
		return err
	}
	o, err := s.openCopySource(q)
	if err != nil {
		return err
	}
	defer o.Close()
	meta, err := copyMeta(q.r.Header, o.Meta, q.key)
	if err != nil {
		return err
	}
	p, err := s.store.Create(q.bucket, o.Meta.Size)
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := io.Copy(p, o.Body(0, o.Meta.Size)); err != nil {
		return err
	}
	if err := s.commit(q, p, meta, "ObjectCreated:CopyObject", forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	return writeXML(q, copyResult{LastModified: meta.LastModified.UTC().Format(isoMillis), ETag: `"` + meta.ETag + `"`})
}

// openCopySource opens the object x-oss-copy-source names ("/bucket/key",
// the key URL-encoded) and checks its x-oss-copy-source-if-match,
// -if-none-match, -if-modified-since and -if-unmodified-since conditions:
// any that fails is 412 PreconditionFailed.
func (s *Server) openCopySource(q *request) (*disk.Object, error) {
	src, err := url.QueryUnescape(q.r.Header.Get("x-oss-copy-source"))
	if err != nil {
		return nil, errInvalidArgument("x-oss-copy-source is not URL-encoded correctly.")
	}
	srcBucket, srcKey, _ := strings.Cut(strings.TrimPrefix(src, "/"), "/")
	if !s.knownBucket(srcBucket) {
		return nil, errNoSuchBucket()
	}
	o, err := s.store.Open(srcBucket, srcKey)
	if errors.Is(err, disk.ErrNotFound) {
		return nil, errNoSuchKey()
	}
	if err != nil {
		return nil, err
	}
	if o, err = s.followSymlink(srcBucket, o); err != nil {
		return nil, err
	}
	if e := requestPreconditions(q.r.Header, "x-oss-copy-source-").check(&o.Meta); e != nil {
		o.Close()
		return nil, e
	}
	return o, nil
}

func copyMeta(h http.Header, src disk.Meta, key string) (*disk.Meta, error) {
	m := &disk.Meta{Key: key, ContentType: src.ContentType, UserMeta: src.UserMeta, Headers: src.Headers, Tags: src.Tags}
	if strings.EqualFold(h.Get("x-oss-metadata-directive"), "REPLACE") {
		r, err := headerMeta(h, key)
		if err != nil {
			return nil, err
		}
		m.ContentType, m.UserMeta, m.Headers = r.ContentType, r.UserMeta, r.Headers
	}
	if strings.EqualFold(h.Get("x-oss-tagging-directive"), "Replace") {
		tags, err := parseTagging(h.Get("x-oss-tagging"))
		if err != nil {
			return nil, err
		}
		m.Tags = tags
	}
	acl, err := parseACL(h.Get("x-oss-object-acl")) // the copy's own, not the source's
	if err != nil {
		return nil, err
	}
	m.ACL = acl
	if m.StorageClass, err = storageClass(h.Get("x-oss-storage-class")); err != nil { // likewise
		return nil, err
	}
	if err := sseMeta(h, m); err != nil { // likewise
		return nil, err
	}
	return m, nil
}

type copyResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
}

const isoMillis = "2006-01-02T15:04:05.000Z"

// forbidOverwrite reads an x-oss-forbid-overwrite value.
func forbidOverwrite(v string) bool { return strings.EqualFold(v, "true") }

func (s *Server) knownBucket(b string) bool { return slices.Contains(s.cfg.Buckets, b) }
