package ossemu

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// Symbolic links, as the OSS API reference's "PutSymlink" and "GetSymlink"
// pages and the "GetObject" page describe them: PUT /key?symlink with
// x-oss-symlink-target (the target key, URL-encoded by the SDKs:
// aliyun-oss-go-sdk's PutSymlink QueryEscapes it) stores an empty object of
// type Symlink that names its target, with the request's x-oss-meta-*,
// x-oss-object-acl and x-oss-forbid-overwrite, without checking that the
// target exists; GET /key?symlink answers the target in
// x-oss-symlink-target (URL-encoded, as the SDKs decode it); a GET or HEAD
// of the link serves the target's bytes, its Content-Length, ETag and
// Content-MD5, the later of the two Last-Modified times, and the link's
// other metadata; a link whose target is missing is 404
// SymlinkTargetNotExist, one whose target is itself a link 400
// InvalidTargetType (ali-oss 6.23.0 test/node/object.test.js, "error detail
// from header", asserts the code from a HEAD), and GetSymlink of an object that is no link is 400
// NotSymlink. A link is listed with Type Symlink.

const symlinkType = "Symlink"

func (s *Server) symlink(q *request) error {
	switch q.r.Method {
	case http.MethodPut:
		return s.putSymlink(q)
	case http.MethodGet:
		return s.getSymlink(q)
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

func (s *Server) putSymlink(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if err := checkKey(q.key); err != nil {
		return err
	}
	raw := q.r.Header.Get("x-oss-symlink-target")
	if raw == "" { // error centre 0043-00000001: the header is required
		return errorf(http.StatusBadRequest, "MissingArgument", "0043-00000001", "Missing Argument x-oss-symlink-target")
	}
	target, err := url.QueryUnescape(raw)
	if err != nil {
		return errInvalidArgument("x-oss-symlink-target is not URL-encoded correctly.")
	}
	if err := checkKey(target); err != nil {
		return err
	}
	meta, err := headerMeta(q.r.Header, q.key)
	if err != nil {
		return err
	}
	meta.Type, meta.SymlinkTarget = symlinkType, target
	p, err := s.store.Create(q.bucket, 0)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := s.commit(q, p, meta, "ObjectCreated:PutSymlink", forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	q.w.Header().Del("x-oss-hash-crc64ecma")
	q.w.Header().Del("Content-MD5")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getSymlink(q *request) error {
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	defer o.Close()
	m := o.Meta
	if m.Type != symlinkType {
		return errorf(http.StatusBadRequest, "NotSymlink", "", "The specified object is not a symlink.")
	}
	h := q.w.Header()
	h.Set("x-oss-symlink-target", encodeSymlinkTarget(m.SymlinkTarget))
	h.Set("ETag", `"`+m.ETag+`"`)
	h.Set("Last-Modified", m.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Content-Type", m.ContentType)
	for k, v := range m.UserMeta {
		h.Set(k, v)
	}
	h.Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// encodeSymlinkTarget URL-encodes a target key the way both SDK families
// decode it: Go's QueryUnescape and JavaScript's decodeURIComponent (which
// leaves a "+" alone, hence %20 for a space).
func encodeSymlinkTarget(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "+", "%20")
}

// followSymlink returns o itself when it is no symlink, else the object its
// target names with the metadata a GET of the link answers; o is closed
// when it is replaced.
func (s *Server) followSymlink(bucket string, o *disk.Object) (*disk.Object, error) {
	if o.Meta.Type != symlinkType {
		return o, nil
	}
	link := o.Meta
	o.Close()
	t, err := s.store.Open(bucket, link.SymlinkTarget)
	if errors.Is(err, disk.ErrNotFound) {
		return nil, errorf(http.StatusNotFound, "SymlinkTargetNotExist", "", "The symlink target object does not exist")
	}
	if err != nil {
		return nil, err
	}
	if t.Meta.Type == symlinkType { // OSS follows one link, not a chain
		t.Close()
		return nil, errorf(http.StatusBadRequest, "InvalidTargetType", "", "The symlink target object type is not supported.")
	}
	m := link
	m.Size, m.ETag, m.CRC64, m.ContentMD5 = t.Meta.Size, t.Meta.ETag, t.Meta.CRC64, t.Meta.ContentMD5
	if sum, err := hex.DecodeString(t.Meta.ETag); err == nil && t.Meta.Type == "" { // a simple upload's ETag is its MD5
		m.ContentMD5 = base64.StdEncoding.EncodeToString(sum)
	}
	if t.Meta.LastModified.After(m.LastModified) {
		m.LastModified = t.Meta.LastModified
	}
	t.Meta = m
	return t, nil
}
