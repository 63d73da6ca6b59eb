package ossemu

import (
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// formOverhead bounds the non-file bytes of a PostObject body (fields,
// part headers, boundaries) on top of the object size limit.
const formOverhead = maxFormFieldBytes + maxFormFields*1024 + 64<<10

// postObject serves PostObject: a V4-signed multipart form whose last part is
// the file. Everything is checked before the file is read; the file is
// streamed to a temp file, never held in memory.
func (s *Server) postObject(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, s.cfg.MaxObjectSize+formOverhead)
	f, err := readForm(q.r)
	if err != nil {
		return err
	}
	pol, meta, err := s.checkForm(f, q.bucket)
	if err != nil {
		return fileNotLast(f, err)
	}
	cb, err := formCallback(f)
	if err != nil {
		return err
	}
	p, err := s.store.Create(q.bucket, pol.maxSize(s.cfg.MaxObjectSize))
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := io.Copy(p, f.file); err != nil {
		return bodyError(err)
	}
	if err := f.end(); err != nil {
		return err
	}
	if err := pol.sizeCheck(p.Size()); err != nil {
		return err
	}
	if err := s.commit(q, p, meta, "ObjectCreated:PostObject", forbidOverwrite(f.get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	if cb != nil {
		return s.runCallback(q, cb, meta, "PostObject")
	}
	postResponse(q, f, meta)
	return nil
}

// fileNotLast tells a form whose file part came before its fields from one
// that is merely unsigned: when the form had no policy by the file part, it
// reads past the file (bounded by the body limit) and answers
// MalformedPOSTRequest, as OSS does, if more parts follow. Otherwise, and for
// any form that had a policy, it returns err unchanged.
func fileNotLast(f *form, err error) error {
	if f.has("policy") {
		return err
	}
	if _, cerr := io.Copy(io.Discard, f.file); cerr != nil {
		return bodyError(cerr)
	}
	if endErr := f.end(); endErr != nil {
		return endErr
	}
	return err
}

// checkForm checks everything about a form that does not need the file:
// the signature fields, the policy, its expiry and conditions, the key and
// the metadata. It returns the policy (for the size checks) and the object
// metadata to store.
func (s *Server) checkForm(f *form, bucket string) (*policy, *disk.Meta, error) {
	date, err := s.postAuth(f)
	if err != nil {
		return nil, nil, err
	}
	pol, err := parsePolicy(f.get("policy"))
	if err != nil {
		return nil, nil, err
	}
	if !date.IsZero() && pol.Expiration.Sub(date) > maxV4Validity { // V4 only: a V1 form has no x-oss-date
		return nil, nil, errPolicyDocument("the expiration is more than 7 days after x-oss-date.")
	}
	if !s.cfg.Now().Before(pol.Expiration) {
		return nil, nil, errAccessDenied("", msgPolicyExpired)
	}
	if err := pol.check(f, bucket, date.IsZero()); err != nil {
		return nil, nil, err
	}
	key := f.get("key")
	if err := checkKey(key); err != nil {
		return nil, nil, err
	}
	meta, err := formMeta(f, key)
	return pol, meta, err
}

// checkKey enforces the OSS object-name rules the emulator knows: present,
// at most 1023 bytes, valid UTF-8 and not starting with "/" or "\".
func checkKey(key string) error {
	if key == "" {
		return errInvalidArgument("The key of the object is missing or empty.")
	}
	if len(key) > 1023 || strings.HasPrefix(key, "/") || strings.HasPrefix(key, `\`) || !validUTF8(key) {
		return errInvalidObjectName()
	}
	return nil
}

// formMeta builds the stored metadata from the form: the content type
// (Content-Type field, else x-oss-content-type, else the file part's type,
// else guessed from the key's extension), x-oss-meta-* (8 KB in total) and
// the standard headers OSS stores.
func formMeta(f *form, key string) (*disk.Meta, error) {
	m := &disk.Meta{Key: key, UserMeta: map[string]string{}, Headers: map[string]string{}}
	m.ContentType = firstNonEmpty(f.get("Content-Type"), f.get("x-oss-content-type"), f.file.Header.Get("Content-Type"))
	if m.ContentType == "" {
		m.ContentType = guessType(key)
	}
	size := 0
	for _, fl := range f.fields {
		if strings.HasPrefix(fl.Lower, "x-oss-meta-") {
			m.UserMeta[fl.Lower] = fl.Value
			size += len(fl.Lower) + len(fl.Value)
		}
	}
	if size > maxUserMetaBytes {
		return nil, errInvalidArgument("Your metadata headers exceed the maximum allowed metadata size.")
	}
	for _, h := range storedHeaders {
		if v := f.get(h); v != "" {
			m.Headers[h] = v
		}
	}
	acl, err := parseACL(f.get("x-oss-object-acl"))
	if err != nil {
		return nil, err
	}
	m.ACL = acl
	return m, nil
}

// storedHeaders are the standard headers OSS keeps with an object and
// returns on GET and HEAD.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

func guessType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// postResponse answers a successful PostObject: a 303 to
// success_action_redirect, else success_action_status 200 or 204 with an
// empty body or 201 with <PostResponse>; any other value is 204.
func postResponse(q *request, f *form, m *disk.Meta) {
	etag := `"` + m.ETag + `"`
	q.w.Header().Set("ETag", etag)
	if redir := f.get("success_action_redirect"); redir != "" {
		if u, err := url.Parse(redir); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			v := u.Query()
			v.Set("bucket", q.bucket)
			v.Set("key", m.Key)
			v.Set("etag", etag)
			u.RawQuery = v.Encode()
			q.w.Header().Set("Location", u.String())
			q.w.WriteHeader(http.StatusSeeOther)
			return
		}
	}
	switch f.get("success_action_status") {
	case "200":
		q.w.WriteHeader(http.StatusOK)
	case "201":
		body, _ := xml.Marshal(postResult{Bucket: q.bucket, Location: objectURL(q, m.Key), Key: m.Key, ETag: etag})
		q.w.Header().Set("Content-Type", "application/xml")
		q.w.WriteHeader(http.StatusCreated)
		_, _ = q.w.Write(append([]byte(xml.Header), body...))
	default:
		q.w.WriteHeader(http.StatusNoContent)
	}
}

type postResult struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Bucket   string   `xml:"Bucket"`
	Location string   `xml:"Location"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

// objectURL is the URL of key as addressed by q (virtual-host or path style).
func objectURL(q *request, key string) string {
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + q.r.Host + "/"
	if !strings.HasPrefix(q.r.Host, q.bucket+".") {
		base += q.bucket + "/"
	}
	return base + (&url.URL{Path: key}).EscapedPath()
}
