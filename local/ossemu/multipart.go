package ossemu

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// OSS's multipart limits: part numbers 1 to 10000, every part but the last
// at least 100 KB (the InvalidPart page cited in CONFORMANCE.md).
const (
	maxPartNum  = 10000
	minPartSize = 100 << 10
)

// errNoSuchUploadAnswer is NoSuchUpload with the EC of the operation.
func errNoSuchUploadAnswer(ec string) *Error {
	return errorf(http.StatusNotFound, "NoSuchUpload", ec, msgNoSuchUpload)
}

// uploadError maps the store's disk.ErrNoSuchUpload to the NoSuchUpload answer.
func uploadError(err error, ec string) error {
	if errors.Is(err, disk.ErrNoSuchUpload) {
		return errNoSuchUploadAnswer(ec)
	}
	return err
}

// encodeKey URL-encodes key when the request asked for encoding-type=url.
func encodeKey(q *request, key string) string {
	if q.r.URL.Query().Get("encoding-type") == "url" {
		return url.QueryEscape(key)
	}
	return keyToStandIns(key) // writeXML turns control characters into references
}

func encodingType(q *request) string {
	if q.r.URL.Query().Get("encoding-type") == "url" {
		return "url"
	}
	return ""
}

type initiateResult struct {
	XMLName      xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	UploadID     string   `xml:"UploadId"`
	EncodingType string   `xml:"EncodingType,omitempty"`
}

// initiateMultipart serves InitiateMultipartUpload (POST /key?uploads): the
// object's future metadata comes from the request headers as for PutObject;
// with x-oss-forbid-overwrite: true an existing key is FileAlreadyExists now
// (and again at completion).
func (s *Server) initiateMultipart(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if err := checkKey(q.key); err != nil {
		return err
	}
	meta, err := headerMeta(q.r.Header, q.key)
	if err != nil {
		return err
	}
	if meta.Tags, err = parseTagging(q.r.Header.Get("x-oss-tagging")); err != nil {
		return err
	}
	u := &disk.Upload{Key: q.key, Initiated: s.cfg.Now().UTC(), Meta: *meta, Forbid: forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite")),
		Sequential: q.r.URL.Query().Has("sequential")}
	if u.Forbid {
		if o, err := s.store.Open(q.bucket, q.key); err == nil {
			o.Close()
			return errFileExists()
		}
	}
	if err := s.store.CreateUpload(q.bucket, u); err != nil {
		return err
	}
	sseHeaders(q.w.Header(), meta) // the InitiateMultipartUpload page: the encryption is answered
	return writeXML(q, initiateResult{Bucket: q.bucket, Key: encodeKey(q, q.key), UploadID: u.ID, EncodingType: encodingType(q)})
}

// partNumber reads the partNumber parameter: 1 to 10000.
func partNumber(q *request) (int, error) {
	n, err := strconv.Atoi(q.r.URL.Query().Get("partNumber"))
	if err != nil || n < 1 || n > maxPartNum {
		return 0, errInvalidArgument("Part number must be an integer between 1 and %d, inclusive.", maxPartNum)
	}
	return n, nil
}

// uploadPart serves UploadPart (PUT /key?partNumber=n&uploadId=id) and, with
// x-oss-copy-source, UploadPartCopy. The body (Content-Length required, at
// most MaxObjectSize) streams to a temp file in the upload's directory and
// becomes part n, replacing an earlier part n.
func (s *Server) uploadPart(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	n, err := partNumber(q)
	if err != nil {
		return err
	}
	id := q.r.URL.Query().Get("uploadId")
	copying := q.r.Header.Get("x-oss-copy-source") != ""
	ec := ecNoSuchUploadPart
	if copying {
		ec = ecNoSuchUploadPartCopy
	}
	if _, err := s.store.Upload(q.bucket, q.key, id); err != nil {
		return uploadError(err, ec)
	}
	if copying {
		return s.uploadPartCopy(q, id, n)
	}
	size := q.r.ContentLength
	if size < 0 {
		return errorf(http.StatusLengthRequired, "MissingContentLength", "", msgMissingLength)
	}
	if size > s.cfg.MaxObjectSize {
		return errTooLarge()
	}
	p, err := s.createPart(q.bucket, id, size, ecNoSuchUploadPart)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := readBody(q, p, size); err != nil {
		return err
	}
	pt, err := s.store.CommitPart(p, q.bucket, id, n, s.cfg.Now().UTC().Truncate(time.Second))
	if err != nil {
		return uploadError(err, ecNoSuchUploadPart)
	}
	h := q.w.Header()
	h.Set("ETag", `"`+pt.ETag+`"`)
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(pt.CRC64, 10))
	if sum, err := hex.DecodeString(pt.ETag); err == nil {
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// createPart starts a part of at most limit bytes in upload id's directory.
func (s *Server) createPart(bucket, id string, limit int64, ec string) (*disk.Pending, error) {
	p, err := s.store.CreatePart(bucket, id, limit)
	if err != nil {
		return nil, uploadError(err, ec)
	}
	return p, nil
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
}

// uploadPartCopy makes part n of upload id from the source object
// (x-oss-copy-source, its x-oss-copy-source-if-* conditions, all 412 when
// they fail) or the byte range x-oss-copy-source-range: bytes=a-b of it.
func (s *Server) uploadPartCopy(q *request, id string, n int) error {
	o, err := s.openCopySource(q)
	if err != nil {
		return err
	}
	defer o.Close()
	start, size := int64(0), o.Meta.Size
	if rg := q.r.Header.Get("x-oss-copy-source-range"); rg != "" {
		a, b, ok := parseRange(rg, o.Meta.Size)
		if !ok {
			return errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "", msgRangeNotSatisfy)
		}
		start, size = a, b-a+1
	}
	p, err := s.createPart(q.bucket, id, size, ecNoSuchUploadPartCopy)
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := io.Copy(p, o.Body(start, size)); err != nil {
		return err
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	pt, err := s.store.CommitPart(p, q.bucket, id, n, now)
	if err != nil {
		return uploadError(err, ecNoSuchUploadPartCopy)
	}
	q.w.Header().Set("ETag", `"`+pt.ETag+`"`)
	return writeXML(q, copyPartResult{LastModified: now.Format(isoMillis), ETag: `"` + pt.ETag + `"`})
}

// abortMultipart serves AbortMultipartUpload (DELETE /key?uploadId=id): the
// upload and its parts go; 204.
func (s *Server) abortMultipart(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	id := q.r.URL.Query().Get("uploadId")
	if _, err := s.store.Upload(q.bucket, q.key, id); err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	claim, err := s.store.ClaimUpload(q.bucket, id)
	if err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	if err := claim.Remove(); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// isMultipart reports whether q is one of the multipart requests on a key.
func isMultipart(v url.Values) bool { return v.Has("uploads") || v.Has("uploadId") }

// errFileExists is the answer to a forbidden overwrite.
func errFileExists() *Error {
	return errorf(http.StatusConflict, "FileAlreadyExists", "", msgFileExists)
}

// trimETag strips the quotes a client may send around an ETag.
func trimETag(s string) string { return strings.ToUpper(strings.Trim(strings.TrimSpace(s), `"`)) }
