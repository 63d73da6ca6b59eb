package ossemu

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// boundedInt reads the integer parameter name of q: def when absent, else it
// must be within [lo, hi] (InvalidArgument otherwise).
func boundedInt(q *request, name string, def, lo, hi int) (int, error) {
	v := q.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errInvalidArgument("Argument %s must be an integer between %d and %d.", name, lo, hi)
	}
	return n, nil
}

type listPartsResult struct {
	XMLName              xml.Name     `xml:"ListPartsResult"`
	EncodingType         string       `xml:"EncodingType,omitempty"`
	Bucket               string       `xml:"Bucket"`
	Key                  string       `xml:"Key"`
	UploadID             string       `xml:"UploadId"`
	PartNumberMarker     int          `xml:"PartNumberMarker"`
	NextPartNumberMarker int          `xml:"NextPartNumberMarker"`
	MaxParts             int          `xml:"MaxParts"`
	IsTruncated          bool         `xml:"IsTruncated"`
	StorageClass         string       `xml:"StorageClass"`
	Parts                []listedPart `xml:"Part"`
}

type listedPart struct {
	PartNumber    int    `xml:"PartNumber"`
	LastModified  string `xml:"LastModified"`
	ETag          string `xml:"ETag"`
	HashCrc64ecma string `xml:"HashCrc64ecma"`
	Size          int64  `xml:"Size"`
}

// listParts serves ListParts (GET /key?uploadId=id): the parts after
// part-number-marker, at most max-parts (default and maximum 1000).
func (s *Server) listParts(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	id := q.r.URL.Query().Get("uploadId")
	if _, err := s.store.Upload(q.bucket, q.key, id); err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	maxParts, err := boundedInt(q, "max-parts", 1000, 1, 1000)
	if err != nil {
		return err
	}
	marker, err := boundedInt(q, "part-number-marker", 0, 0, maxPartNum)
	if err != nil {
		return err
	}
	have, err := s.store.Parts(q.bucket, id)
	if err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	res := listPartsResult{EncodingType: encodingType(q), Bucket: q.bucket, Key: encodeKey(q, q.key), UploadID: id, PartNumberMarker: marker, MaxParts: maxParts, StorageClass: "Standard"}
	for _, p := range have {
		if p.Number <= marker {
			continue
		}
		if len(res.Parts) == maxParts {
			res.IsTruncated = true
			break
		}
		res.Parts = append(res.Parts, listedPart{PartNumber: p.Number, LastModified: p.LastModified.UTC().Format(isoMillis),
			ETag: `"` + p.ETag + `"`, HashCrc64ecma: strconv.FormatUint(p.CRC64, 10), Size: p.Size})
		res.NextPartNumberMarker = p.Number
	}
	return writeXML(q, res)
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Delimiter          string         `xml:"Delimiter"`
	Prefix             string         `xml:"Prefix"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []listedUpload `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type listedUpload struct {
	Key       string `xml:"Key"`
	UploadID  string `xml:"UploadId"`
	Initiated string `xml:"Initiated"`
}

// listUploads serves ListMultipartUploads (GET /?uploads): uploads in key
// order, then initiation order, after key-marker (and, for that key, after
// upload-id-marker), under prefix, grouped by delimiter into common
// prefixes, at most max-uploads (default and maximum 1000).
func (s *Server) listUploads(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	v := q.r.URL.Query()
	maxUploads, err := boundedInt(q, "max-uploads", 1000, 1, 1000)
	if err != nil {
		return err
	}
	prefix, delim := v.Get("prefix"), v.Get("delimiter")
	keyMarker, idMarker := v.Get("key-marker"), v.Get("upload-id-marker")
	all, err := s.store.ListUploads(q.bucket, prefix)
	if err != nil {
		return err
	}
	res := listUploadsResult{EncodingType: encodingType(q), Bucket: q.bucket, KeyMarker: keyMarker, UploadIDMarker: idMarker,
		Delimiter: delim, Prefix: prefix, MaxUploads: maxUploads}
	for _, u := range afterMarker(all, keyMarker, idMarker) {
		if len(res.Uploads)+len(res.CommonPrefixes) == maxUploads {
			res.IsTruncated = true
			break
		}
		if delim != "" {
			if i := strings.Index(u.Key[len(prefix):], delim); i >= 0 {
				cp := u.Key[:len(prefix)+i+len(delim)]
				if n := len(res.CommonPrefixes); n == 0 || res.CommonPrefixes[n-1].Prefix != encodeKey(q, cp) {
					res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{Prefix: encodeKey(q, cp)})
				}
				res.NextKeyMarker, res.NextUploadIDMarker = u.Key, u.ID
				continue
			}
		}
		res.Uploads = append(res.Uploads, listedUpload{Key: encodeKey(q, u.Key), UploadID: u.ID, Initiated: u.Initiated.Format(isoMillis)})
		res.NextKeyMarker, res.NextUploadIDMarker = u.Key, u.ID
	}
	res.NextKeyMarker = encodeKey(q, res.NextKeyMarker)
	return writeXML(q, res)
}

// afterMarker drops the uploads up to the marker: keys before keyMarker,
// and keyMarker's own uploads up to idMarker (all of them without one).
func afterMarker(all []*disk.Upload, keyMarker, idMarker string) []*disk.Upload {
	if keyMarker == "" {
		return all
	}
	for i, u := range all {
		if u.Key < keyMarker {
			continue
		}
		if u.Key > keyMarker {
			return all[i:]
		}
		if idMarker != "" && u.ID == idMarker {
			return all[i+1:]
		}
	}
	return nil
}
