package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// maxCompleteBody bounds a CompleteMultipartUpload body (10,000 parts).
const maxCompleteBody = 4 << 20

type completeBody struct {
	XMLName xml.Name       `xml:"CompleteMultipartUpload"`
	Parts   []completePart `xml:"Part"`
}

type completePart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
}

type completeResult struct {
	XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
}

// completeMultipart serves CompleteMultipartUpload (POST /key?uploadId=id):
// the listed parts (or, with x-oss-complete-all: yes and no body, every
// uploaded part) are checked (ascending part numbers, else InvalidPartOrder;
// each uploaded with that ETag, else InvalidPart; each but the last at least
// 100 KB, else EntityTooSmall) and concatenated, streaming, into the object,
// whose ETag is "<MD5 of the parts' binary MD5s>-<count>" and type
// Multipart. The upload is claimed first, so a concurrent completion or abort
// gets NoSuchUpload; a refused completion leaves the upload as it was.
func (s *Server) completeMultipart(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	id := q.r.URL.Query().Get("uploadId")
	u, err := s.store.Upload(q.bucket, q.key, id)
	if err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	cb, err := headerCallback(q.r.Header)
	if err != nil {
		return err
	}
	all := strings.EqualFold(q.r.Header.Get("x-oss-complete-all"), "yes")
	var listed []completePart
	if all {
		// x-oss-complete-all takes every part; a part list besides it is
		// refused (alibabacloud-oss-go-sdk-v2's multipart integration test
		// pins this answer).
		if n, _ := q.r.Body.Read(make([]byte, 1)); n > 0 {
			return errorf(http.StatusBadRequest, "InvalidArgument", ecCompleteAllWithBody, "Should not speficy both complete all header and http body.")
		}
	} else if listed, err = readCompleteBody(q.r); err != nil {
		return err
	}
	claim, err := s.store.ClaimUpload(q.bucket, id)
	if err != nil {
		return uploadError(err, ecNoSuchUpload)
	}
	done := false
	defer func() {
		if !done {
			_ = claim.Release()
		}
	}()
	chosen, err := chooseParts(claim, listed, all)
	if err != nil {
		return err
	}
	p, err := s.concat(q.bucket, chosen)
	if err != nil {
		return err
	}
	defer p.Abort()
	meta := u.Meta
	meta.Key, meta.Type, meta.ETag = q.key, "Multipart", multipartETag(chosen)
	if acl := q.r.Header.Get("x-oss-object-acl"); acl != "" { // the CompleteMultipartUpload page: the object's ACL
		if meta.ACL, err = parseACL(acl); err != nil {
			return err
		}
	}
	if u.Sequential { // the InitiateMultipartUpload page: parts in order, the object's MD5 known
		meta.ContentMD5 = base64.StdEncoding.EncodeToString(p.MD5())
	}
	if err := s.commit(q, p, &meta, "ObjectCreated:CompleteMultipartUpload", u.Forbid || forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	done = true
	if err := claim.Remove(); err != nil {
		s.log.Warn("ossemu: remove completed upload", "err", err, "uploadId", id)
	}
	if cb != nil {
		return s.runCallback(q, cb, &meta, "CompleteMultipartUpload")
	}
	return writeXML(q, completeResult{
		EncodingType: encodingType(q), Location: objectURL(q, q.key), Bucket: q.bucket,
		Key: encodeKey(q, q.key), ETag: `"` + meta.ETag + `"`,
	})
}

// readCompleteBody decodes the part list: MalformedXML when it is not the
// CompleteMultipartUpload document, InvalidPartOrder when the part numbers
// are not strictly ascending. An empty list completes an empty object, as
// OSS does.
func readCompleteBody(r *http.Request) ([]completePart, error) {
	var doc completeBody
	if err := xml.NewDecoder(io.LimitReader(r.Body, maxCompleteBody)).Decode(&doc); err != nil {
		return nil, errMalformedXML()
	}
	for i, p := range doc.Parts {
		if p.PartNumber < 1 || p.PartNumber > maxPartNum {
			return nil, errorf(http.StatusBadRequest, "InvalidPart", "", msgInvalidPart)
		}
		if i > 0 && p.PartNumber <= doc.Parts[i-1].PartNumber {
			return nil, errorf(http.StatusBadRequest, "InvalidPartOrder", "", msgInvalidOrder)
		}
	}
	return doc.Parts, nil
}

// chooseParts returns the parts of the claimed upload to concatenate: every part when all is set, else the listed ones, each of
// which must exist with the listed ETag; every chosen part but the last must
// be at least minPartSize.
func chooseParts(claim *disk.Claim, listed []completePart, all bool) ([]disk.Part, error) {
	have, err := claim.Parts()
	if err != nil {
		return nil, uploadError(err, ecNoSuchUpload)
	}
	chosen := have
	if !all {
		byNum := map[int]disk.Part{}
		for _, p := range have {
			byNum[p.Number] = p
		}
		chosen = nil
		for _, l := range listed {
			p, ok := byNum[l.PartNumber]
			if !ok || trimETag(l.ETag) != p.ETag {
				return nil, errorf(http.StatusBadRequest, "InvalidPart", "", msgInvalidPart)
			}
			chosen = append(chosen, p)
		}
	}
	for _, p := range chosen[:max(len(chosen)-1, 0)] {
		if p.Size < minPartSize {
			return nil, errorf(http.StatusBadRequest, "EntityTooSmall", "", msgPartTooSmall)
		}
	}
	return chosen, nil
}

// concat streams the chosen parts into a new pending object of bucket.
func (s *Server) concat(bucket string, chosen []disk.Part) (*disk.Pending, error) {
	var total int64
	for _, p := range chosen {
		total += p.Size
	}
	p, err := s.store.Create(bucket, total)
	if err != nil {
		return nil, err
	}
	for _, pt := range chosen {
		if err := copyPart(p, pt); err != nil {
			p.Abort()
			return nil, err
		}
	}
	return p, nil
}

func copyPart(dst io.Writer, pt disk.Part) error {
	o, err := pt.Open()
	if err != nil {
		return err
	}
	defer o.Close()
	if _, err := io.Copy(dst, o.Body(0, o.Meta.Size)); err != nil {
		return fmt.Errorf("ossemu: concatenate part %d: %w", pt.Number, err)
	}
	return nil
}

// multipartETag is OSS's ETag of a multipart object: the upper-case hex MD5
// of the concatenated upper-case hex MD5s of its parts (their ETags as
// text, not S3's binary digests), "-", the number of parts. The Go SDK v3's
// tests pin "2351E662233817A7AE974D8C5B0876DD-5" for its sample
// BingWallpaper-2015-11-07.jpg uploaded in 100 KiB parts (aliyun-oss-go-sdk
// oss/download_test.go, oss/multicopy_test.go), which is this and not the
// binary form.
func multipartETag(chosen []disk.Part) string {
	h := md5.New()
	for _, p := range chosen {
		h.Write([]byte(strings.ToUpper(p.ETag)))
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))) + "-" + strconv.Itoa(len(chosen))
}
