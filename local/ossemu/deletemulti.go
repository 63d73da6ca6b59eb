package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/url"
)

// maxDeleteKeys and maxDeleteBody bound one DeleteMultipleObjects request.
const (
	maxDeleteKeys = 1000
	maxDeleteBody = 2 << 20
)

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key string `xml:"Key"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName      xml.Name        `xml:"DeleteResult"`
	EncodingType string          `xml:"EncodingType,omitempty"`
	Deleted      []deletedObject `xml:"Deleted"`
}

type deletedObject struct {
	Key string `xml:"Key"`
}

// deleteMultiple serves DeleteMultipleObjects (POST /?delete): the body is
// <Delete><Quiet/><Object><Key/></Object>...</Delete>, at most 1000 keys
// (URL-encoded when the request says encoding-type=url), with a Content-MD5
// that must match (missing or wrong: InvalidDigest). Missing keys count as
// deleted, as for DeleteObject. The answer lists every key unless Quiet.
func (s *Server) deleteMultiple(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(q.r.Body, maxDeleteBody+1))
	if err != nil || len(body) > maxDeleteBody {
		return errMalformedXML()
	}
	sum := md5.Sum(body)
	if want := q.r.Header.Get("Content-MD5"); want != base64.StdEncoding.EncodeToString(sum[:]) {
		return errInvalidDigest()
	}
	var req deleteRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return errMalformedXML()
	}
	res := deleteResult{EncodingType: encodingType(q)}
	for _, o := range req.Objects {
		key := o.Key
		if res.EncodingType == "url" {
			if key, err = url.QueryUnescape(o.Key); err != nil {
				return errInvalidArgument("The key %q is not URL-encoded correctly.", o.Key)
			}
		}
		if err := s.store.Remove(q.bucket, key); err != nil {
			return err
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedObject{Key: o.Key})
		}
	}
	return writeXML(q, res)
}
