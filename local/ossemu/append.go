package ossemu

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// appendObject serves AppendObject (POST /key?append&position=n), as the
// AppendObject page of the OSS API reference describes it: position 0 on a
// missing key creates an Appendable object with the request's metadata;
// on an Appendable object, position must equal its size and the body is
// added at its end (metadata unchanged, but x-oss-object-acl applies, as
// aliyun-oss-go-sdk's TestAppendObject expects of OSS); a Normal or Multipart object is
// 409 ObjectNotAppendable, a wrong position 409 PositionNotEqualToLength,
// both with x-oss-next-append-position. The answer carries the next
// position and the whole object's CRC-64. Appends are serialised, so two at
// the same position cannot both succeed; the object file is rewritten
// (temp file, fsync, rename) with the old bytes and the new.
func (s *Server) appendObject(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	if err := checkKey(q.key); err != nil {
		return err
	}
	pos, err := strconv.ParseInt(q.r.URL.Query().Get("position"), 10, 64)
	if err != nil || pos < 0 {
		return errInvalidArgument("Position must be a non-negative integer.")
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	o, err := s.store.Open(q.bucket, q.key)
	if err != nil && !errors.Is(err, disk.ErrNotFound) {
		return err
	}
	var meta *disk.Meta
	var size int64
	if o != nil {
		defer o.Close()
		if o.Meta.Type != "Appendable" {
			q.w.Header().Set("x-oss-next-append-position", strconv.FormatInt(o.Meta.Size, 10))
			return errorf(http.StatusConflict, "ObjectNotAppendable", "", "The object is not appendable")
		}
		m := o.Meta
		meta, size = &m, m.Size
		meta.ETag = "" // recomputed over the whole body

		if acl := q.r.Header.Get("x-oss-object-acl"); acl != "" { // a later append still sets the ACL
			if meta.ACL, err = parseACL(acl); err != nil {
				return err
			}
		}
	} else {
		if meta, err = headerMeta(q.r.Header, q.key); err != nil {
			return err
		}
		if meta.Tags, err = parseTagging(q.r.Header.Get("x-oss-tagging")); err != nil {
			return err
		}
	}
	if pos != size {
		q.w.Header().Set("x-oss-next-append-position", strconv.FormatInt(size, 10))
		return errorf(http.StatusConflict, "PositionNotEqualToLength", "", "Position is not equal to file length")
	}
	n := q.r.ContentLength
	if n > s.cfg.MaxObjectSize-size {
		return errTooLarge()
	}
	limit := size + n
	if n < 0 {
		limit = s.cfg.MaxObjectSize
	}
	p, err := s.store.Create(q.bucket, limit)
	if err != nil {
		return err
	}
	defer p.Abort()
	if o != nil {
		if _, err := io.Copy(p, o.Body(0, size)); err != nil {
			return err
		}
	}
	if _, err := io.Copy(p, q.r.Body); errors.Is(err, disk.ErrLimit) {
		return errTooLarge()
	} else if err != nil || (n >= 0 && p.Size() != size+n) {
		return errInvalidArgument("The request body is shorter than its Content-Length.")
	}
	meta.Type = "Appendable"
	if err := s.commit(q, p, meta, "ObjectCreated:AppendObject", false); err != nil {
		return err
	}
	q.w.Header().Del("Content-MD5") // of the whole object, not of this request's body
	q.w.Header().Set("x-oss-next-append-position", strconv.FormatInt(meta.Size, 10))
	q.w.WriteHeader(http.StatusOK)
	return nil
}
