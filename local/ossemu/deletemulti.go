package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
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
// <Delete><Quiet/><Object><Key/></Object>...</Delete>, at most 1000 raw keys,
// with a Content-MD5
// that must match (missing or wrong: InvalidDigest). Missing keys count as
// deleted, as for DeleteObject. The answer lists every key unless Quiet;
// encoding-type=url encodes the keys of the answer only (the
// DeleteMultipleObjects page of the OSS API reference: "encoding-type …
// specifies the encoding of the Key in the response"; both Go SDKs send it
// with raw keys and decode the answer, aliyun-oss-go-sdk oss/bucket.go
// DeleteObjects, alibabacloud-oss-go-sdk-v2 oss/api_op_object.go).
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
	if err := xml.Unmarshal(controlRefsToStandIns(body), &req); err != nil || len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return errMalformedXML()
	}
	res := deleteResult{EncodingType: encodingType(q)}
	for _, o := range req.Objects {
		key := keyFromStandIns(o.Key)
		if err := s.store.Remove(q.bucket, key); err != nil {
			return err
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedObject{Key: encodeKey(q, key)})
		}
	}
	return writeXML(q, res)
}
