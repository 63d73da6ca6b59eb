package ossemu

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
	"github.com/ossgate/ossgate/local/ossemu/imgproc"
)

// openObject authenticates q's header signature and opens its object; an
// absent object is NoSuchKey. The caller closes the object.
func (s *Server) openObject(q *request) (*disk.Object, error) {
	if err := s.authenticate(q); err != nil {
		return nil, err
	}
	o, err := s.store.Open(q.bucket, q.key)
	if errors.Is(err, disk.ErrNotFound) {
		return nil, errNoSuchKey()
	}
	return o, err
}

// getObject serves GetObject and HeadObject: the conditional headers first
// (conditional.go), then a single "bytes=a-b",
// "bytes=a-" or "bytes=-n" Range answered 206. As OSS does by default, an
// unsatisfiable or malformed range is ignored (200 with the whole object)
// unless x-oss-range-behavior is "standard", which makes it 416.
func (s *Server) getObject(q *request) error {
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	if o, err = s.followSymlink(q.bucket, o); err != nil {
		return err
	}
	defer o.Close()
	m := o.Meta
	h := q.w.Header()
	if e := requestPreconditions(q.r.Header, "").check(&m); e != nil {
		if e.Status != http.StatusNotModified {
			return e
		}
		h.Set("ETag", `"`+m.ETag+`"`)
		h.Set("Last-Modified", m.LastModified.UTC().Format(http.TimeFormat))
		q.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if process := q.r.URL.Query().Get("x-oss-process"); process != "" && q.r.Method == http.MethodGet {
		return s.processImage(q, o, process)
	}
	if q.r.Method == http.MethodHead && q.r.URL.Query().Has("objectMeta") {
		objectMetaHeaders(h, &m)
		q.w.WriteHeader(http.StatusOK)
		return nil
	}
	objectHeaders(h, &m)
	if q.r.Method == http.MethodGet {
		applyOverrides(h, q.r.URL.Query())
	}
	start, n, status := int64(0), m.Size, http.StatusOK
	if rg := q.r.Header.Get("Range"); rg != "" {
		a, b, ok := parseRange(rg, m.Size)
		switch {
		case ok:
			start, n, status = a, b-a+1, http.StatusPartialContent
			h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, m.Size))
			h.Del("x-oss-hash-crc64ecma") // the CRC is of the whole object
		case strings.EqualFold(q.r.Header.Get("x-oss-range-behavior"), "standard"):
			h.Set("Content-Range", fmt.Sprintf("bytes */%d", m.Size))
			return errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "", msgRangeNotSatisfy)
		}
	}
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	q.w.WriteHeader(status)
	if q.r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(q.w, o.Body(start, n)); err != nil {
		s.log.Debug("ossemu: write body", "err", err, "requestId", q.id)
	}
	return nil
}

// processImage answers a GET with x-oss-process: the object processed by
// imgproc (resize only) in its own format; a Range is ignored, as the
// result is a new image.
func (s *Server) processImage(q *request, o *disk.Object, process string) error {
	out, ctype, err := imgproc.Process(process, o.Body(0, o.Meta.Size))
	var ie *imgproc.Error
	if errors.As(err, &ie) {
		return errorf(ie.Status, ie.Code, "", "%s", ie.Message)
	} else if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(out)))
	h.Set("Last-Modified", o.Meta.LastModified.UTC().Format(http.TimeFormat))
	q.w.WriteHeader(http.StatusOK)
	if _, err := q.w.Write(out); err != nil {
		s.log.Debug("ossemu: write processed image", "err", err, "requestId", q.id)
	}
	return nil
}

// parseRange parses a single byte range against size and returns the first
// and last byte offsets; ok is false for anything malformed or unsatisfiable.
func parseRange(v string, size int64) (first, last int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found || (a == "" && b == "") {
		return 0, 0, false
	}
	if a == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(size-n, 0), size - 1, true
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 || first >= size {
		return 0, 0, false
	}
	last = size - 1
	if b != "" {
		l, err := strconv.ParseInt(b, 10, 64)
		if err != nil || l < first {
			return 0, 0, false
		}
		last = min(l, size-1)
	}
	return first, last, true
}

// objectHeaders sets the headers GET and HEAD return for m.
func objectHeaders(h http.Header, m *disk.Meta) {
	h.Set("Content-Type", m.ContentType)
	h.Set("ETag", `"`+m.ETag+`"`)
	if sum, err := hex.DecodeString(m.ETag); err == nil && m.Type == "" { // a simple upload's ETag is its MD5
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
	} else if m.ContentMD5 != "" {
		h.Set("Content-MD5", m.ContentMD5)
	}
	h.Set("Last-Modified", m.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-oss-object-type", firstNonEmpty(m.Type, "Normal"))
	h.Set("x-oss-storage-class", firstNonEmpty(m.StorageClass, "Standard"))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
	for k, v := range m.UserMeta {
		h.Set(k, v)
	}
	for k, v := range m.Headers {
		h.Set(k, v)
	}
	if len(m.Tags) > 0 {
		h.Set("x-oss-tagging-count", strconv.Itoa(len(m.Tags)))
	}
	sseHeaders(h, m)
	if m.Type == "Appendable" { // the AppendObject page: HEAD answers where the next append goes
		h.Set("x-oss-next-append-position", strconv.FormatInt(m.Size, 10))
	}
}

// responseOverrides are the GetObject parameters that replace a header of
// the answer, and the header each replaces (the GetObject page of the OSS
// API reference): what a presigned download URL uses to name the file
// (response-content-disposition) or set its caching.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// applyOverrides sets the headers the request's response-* parameters name.
func applyOverrides(h http.Header, q url.Values) {
	for param, header := range responseOverrides {
		if q.Has(param) {
			h.Set(header, q.Get(param))
		}
	}
}

// objectMetaHeaders answers GetObjectMeta (HEAD ?objectMeta): only the
// ETag, size, last-modified time and CRC, not the user metadata or the
// stored headers (the GetObjectMeta page of the OSS API reference).
func objectMetaHeaders(h http.Header, m *disk.Meta) {
	h.Set("ETag", `"`+m.ETag+`"`)
	h.Set("Content-Length", strconv.FormatInt(m.Size, 10))
	h.Set("Last-Modified", m.LastModified.UTC().Format(http.TimeFormat))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
}
