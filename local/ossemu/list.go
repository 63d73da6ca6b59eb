package ossemu

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// listObjects serves ListObjects: ListObjectsV2 (GET /?list-type=2) and,
// without list-type, the original ListObjects. Both take prefix, delimiter,
// max-keys (default 100, at most 1000) and encoding-type=url (Key, Prefix,
// Delimiter, the markers and common prefixes URL-encoded); V2 pages with
// start-after and continuation-token (an opaque base64url token of the last
// key or common prefix returned), V1 with marker and NextMarker (set when a
// delimiter is given, as OSS does, and also without one here).
func (s *Server) listObjects(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	v := q.r.URL.Query()
	maxKeys, err := boundedInt(q, "max-keys", 100, 0, 1000)
	if err != nil {
		return err
	}
	v2 := v.Get("list-type") == "2"
	marker := v.Get("marker")
	if v2 {
		marker = v.Get("start-after")
		if tok := v.Get("continuation-token"); tok != "" {
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				return errInvalidArgument("The continuation token provided is incorrect.")
			}
			marker = string(b)
		}
	}
	prefix, delim := v.Get("prefix"), v.Get("delimiter")
	objs, err := s.store.List(q.bucket, prefix)
	if err != nil {
		return err
	}
	res := listResult{Name: q.bucket, Prefix: prefix, MaxKeys: maxKeys, Delimiter: delim}
	last := fill(&res, objs, marker, delim, maxKeys, !v2 || v.Get("fetch-owner") == "true")
	if v2 {
		res.StartAfter, res.ContinuationToken = v.Get("start-after"), v.Get("continuation-token")
		res.KeyCount = ptrInt(len(res.Contents) + len(res.CommonPrefixes))
		if res.IsTruncated {
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		}
	} else {
		res.Marker = &marker
		if res.IsTruncated {
			res.NextMarker = last
		}
	}
	enc := keyToStandIns // writeXML turns control characters into references
	if v.Get("encoding-type") == "url" {
		res.EncodingType, enc = "url", url.QueryEscape
	}
	res.encodeKeys(enc)
	return writeXML(q, res)
}

func ptrInt(n int) *int { return &n }

// fill pages objs (sorted, under res.Prefix) after marker into res and
// returns the last key or common prefix it put there.
func fill(res *listResult, objs []disk.Meta, marker, delim string, maxKeys int, owner bool) string {
	last, n := "", 0
	for _, o := range objs {
		if o.Key <= marker || (delim != "" && strings.HasSuffix(marker, delim) && strings.HasPrefix(o.Key, marker)) {
			continue
		}
		entry, isPrefix := o.Key, false
		if delim != "" {
			if i := strings.Index(o.Key[len(res.Prefix):], delim); i >= 0 {
				entry, isPrefix = o.Key[:len(res.Prefix)+i+len(delim)], true
			}
		}
		if isPrefix && entry == last {
			continue
		}
		if n == maxKeys {
			res.IsTruncated = true
			return last
		}
		n++
		last = entry
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{Prefix: entry})
			continue
		}
		c := listEntry{
			Key: o.Key, LastModified: o.LastModified.UTC().Format(isoMillis), ETag: `"` + o.ETag + `"`,
			Type: firstNonEmpty(o.Type, "Normal"), Size: o.Size, StorageClass: firstNonEmpty(o.StorageClass, "Standard"),
		}
		if owner {
			c.Owner = &listOwner{ID: ownerID, DisplayName: ownerID}
		}
		res.Contents = append(res.Contents, c)
	}
	return last
}

type listResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Marker                *string        `xml:"Marker"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	NextMarker            string         `xml:"NextMarker,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	KeyCount              *int           `xml:"KeyCount"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listEntry struct {
	Key          string     `xml:"Key"`
	LastModified string     `xml:"LastModified"`
	ETag         string     `xml:"ETag"`
	Type         string     `xml:"Type"`
	Size         int64      `xml:"Size"`
	StorageClass string     `xml:"StorageClass"`
	Owner        *listOwner `xml:"Owner,omitempty"`
}

type listOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

func (r *listResult) encodeKeys(enc func(string) string) {
	r.Prefix, r.Delimiter, r.StartAfter = enc(r.Prefix), enc(r.Delimiter), enc(r.StartAfter)
	r.NextMarker = enc(r.NextMarker)
	if r.Marker != nil {
		m := enc(*r.Marker)
		r.Marker = &m
	}
	for i := range r.Contents {
		r.Contents[i].Key = enc(r.Contents[i].Key)
	}
	for i := range r.CommonPrefixes {
		r.CommonPrefixes[i].Prefix = enc(r.CommonPrefixes[i].Prefix)
	}
}
