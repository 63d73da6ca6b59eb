package ossemu

import (
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// Tag limits OSS documents for object tagging.
const (
	maxTags        = 10
	maxTagKeyLen   = 128
	maxTagValueLen = 256
	maxTaggingBody = 64 << 10
)

// tagging serves GetObjectTagging, PutObjectTagging and DeleteObjectTagging
// (?tagging). Changing tags rewrites the object file atomically with the
// same body and last-modified time; it emits no event.
func (s *Server) tagging(q *request) error {
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	defer o.Close()
	switch q.r.Method {
	case http.MethodGet:
		t := taggingDoc{}
		for _, k := range slices.Sorted(maps.Keys(o.Meta.Tags)) {
			t.Tags = append(t.Tags, tag{Key: k, Value: o.Meta.Tags[k]})
		}
		return writeXML(q, t)
	case http.MethodPut, http.MethodDelete:
		tags := map[string]string{}
		if q.r.Method == http.MethodPut {
			if tags, err = readTagging(q.r); err != nil {
				return err
			}
		}
		meta := o.Meta
		meta.Tags = tags
		if err := s.rewrite(q.bucket, o, meta); err != nil {
			return err
		}
		status := http.StatusOK
		if q.r.Method == http.MethodDelete {
			status = http.StatusNoContent
		}
		q.w.WriteHeader(status)
		return nil
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

// rewrite replaces o's metadata by meta (a tag or ACL change): the object
// file is written anew, atomically, with the same body.
func (s *Server) rewrite(bucket string, o *disk.Object, meta disk.Meta) error {
	p, err := s.store.Create(bucket, meta.Size)
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := io.Copy(p, o.Body(0, meta.Size)); err != nil {
		return err
	}
	_, err = p.Commit(s.store, bucket, &meta, false)
	return err
}

type taggingDoc struct {
	XMLName xml.Name `xml:"Tagging"`
	Tags    []tag    `xml:"TagSet>Tag"`
}

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func readTagging(r *http.Request) (map[string]string, error) {
	var doc taggingDoc
	if err := xml.NewDecoder(io.LimitReader(r.Body, maxTaggingBody)).Decode(&doc); err != nil {
		return nil, errorf(http.StatusBadRequest, "MalformedXML", "", "The XML you provided was not well-formed or did not validate against our published schema.")
	}
	tags := map[string]string{}
	for _, t := range doc.Tags {
		tags[t.Key] = t.Value
	}
	return tags, checkTags(tags, len(doc.Tags))
}

// parseTagging parses an x-oss-tagging header ("k1=v1&k2=v2").
func parseTagging(h string) (map[string]string, error) {
	if h == "" {
		return nil, nil
	}
	v, err := url.ParseQuery(h)
	if err != nil {
		return nil, errInvalidArgument("The x-oss-tagging header is not URL-encoded correctly.")
	}
	tags := map[string]string{}
	n := 0
	for k, vals := range v {
		tags[k] = vals[0]
		n += len(vals)
	}
	return tags, checkTags(tags, n)
}

func checkTags(tags map[string]string, n int) error {
	if n != len(tags) || len(tags) > maxTags {
		return errInvalidArgument("Object tags must be at most %d, with unique keys.", maxTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > maxTagKeyLen || len(v) > maxTagValueLen {
			return errInvalidArgument("Object tag key or value is too long or empty.")
		}
		if !validTagText(k) || !validTagText(v) {
			return errInvalidArgument("Object tag key or value contains a character that is not allowed.")
		}
	}
	return nil
}

// validTagText reports whether s holds only what a tag key or value may:
// letters, digits, spaces and + - = . _ : / (the "Object tagging" page of
// the OSS user guide; aliyun-oss-go-sdk's TestPutObjectTagging expects a
// key or value with "&" refused).
func validTagText(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" +-=._:/", r) {
			return false
		}
	}
	return true
}
