package ossemu

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// listObjects serves ListObjectsV2 (GET /?list-type=2): prefix, delimiter,
// max-keys (default 100, at most 1000), start-after, continuation-token (an
// opaque base64url token of the last key or common prefix returned) and
// encoding-type=url (Key, Prefix, Delimiter, StartAfter, common prefixes and
// NextContinuationToken URL-encoded). ListObjects V1 is not served.
func (s *Server) listObjects(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	v := q.r.URL.Query()
	if v.Get("list-type") != "2" {
		return errorf(http.StatusNotImplemented, "NotImplemented", "", "Only ListObjectsV2 (list-type=2) is implemented by this endpoint.")
	}
	maxKeys := 100
	if mk := v.Get("max-keys"); mk != "" {
		n, err := strconv.Atoi(mk)
		if err != nil || n < 0 || n > 1000 {
			return errInvalidArgument("Argument max-keys must be an integer between 0 and 1000.")
		}
		maxKeys = n
	}
	marker := v.Get("start-after")
	if tok := v.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return errInvalidArgument("The continuation token provided is incorrect.")
		}
		marker = string(b)
	}
	prefix, delim := v.Get("prefix"), v.Get("delimiter")
	objs, err := s.store.list(q.bucket, prefix)
	if err != nil {
		return err
	}
	res := listResult{
		Name: q.bucket, Prefix: prefix, MaxKeys: maxKeys, Delimiter: delim,
		StartAfter: v.Get("start-after"), ContinuationToken: v.Get("continuation-token"),
	}
	fill(&res, objs, marker, delim, maxKeys, v.Get("fetch-owner") == "true")
	if v.Get("encoding-type") == "url" {
		res.urlEncode()
	}
	body, _ := xml.Marshal(res)
	q.w.Header().Set("Content-Type", "application/xml")
	q.w.WriteHeader(http.StatusOK)
	_, _ = q.w.Write(append([]byte(xml.Header), body...))
	return nil
}

// fill pages objs (sorted, under res.Prefix) after marker into res.
func fill(res *listResult, objs []objectMeta, marker, delim string, maxKeys int, owner bool) {
	last := ""
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
		if res.KeyCount == maxKeys {
			res.IsTruncated = true
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
			return
		}
		res.KeyCount++
		last = entry
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{Prefix: entry})
			continue
		}
		c := listEntry{
			Key: o.Key, LastModified: o.LastModified.UTC().Format(isoMillis), ETag: `"` + o.ETag + `"`,
			Type: "Normal", Size: o.Size, StorageClass: "Standard",
		}
		if owner {
			c.Owner = &listOwner{ID: ownerID, DisplayName: ownerID}
		}
		res.Contents = append(res.Contents, c)
	}
}

type listResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	KeyCount              int            `xml:"KeyCount"`
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

func (r *listResult) urlEncode() {
	r.EncodingType = "url"
	r.Prefix, r.Delimiter, r.StartAfter = url.QueryEscape(r.Prefix), url.QueryEscape(r.Delimiter), url.QueryEscape(r.StartAfter)
	for i := range r.Contents {
		r.Contents[i].Key = url.QueryEscape(r.Contents[i].Key)
	}
	for i := range r.CommonPrefixes {
		r.CommonPrefixes[i].Prefix = url.QueryEscape(r.CommonPrefixes[i].Prefix)
	}
}
