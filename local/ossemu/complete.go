package ossemu

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
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
	u, err := s.store.upload(q.bucket, q.key, id)
	if err != nil {
		return uploadError(err)
	}
	cb, err := headerCallback(q.r.Header)
	if err != nil {
		return err
	}
	all := strings.EqualFold(q.r.Header.Get("x-oss-complete-all"), "yes")
	var listed []completePart
	if !all {
		if listed, err = readCompleteBody(q.r); err != nil {
			return err
		}
	}
	claimed, err := s.store.claimUpload(q.bucket, id)
	if err != nil {
		return uploadError(err)
	}
	done := false
	defer func() {
		if !done {
			_ = s.store.unclaimUpload(q.bucket, id, claimed)
		}
	}()
	chosen, err := choosePartsIn(claimed, listed, all)
	if err != nil {
		return err
	}
	p, err := s.concat(q.bucket, chosen)
	if err != nil {
		return err
	}
	defer p.abort()
	meta := u.Meta
	meta.Key, meta.Type, meta.ETag = q.key, "Multipart", multipartETag(chosen)
	if err := s.commit(q, p, &meta, "ObjectCreated:CompleteMultipartUpload", u.Forbid || forbidOverwrite(q.r.Header.Get("x-oss-forbid-overwrite"))); err != nil {
		return err
	}
	done = true
	if err := removeAll(claimed); err != nil {
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
// CompleteMultipartUpload document or lists no part, InvalidPartOrder when
// the part numbers are not strictly ascending.
func readCompleteBody(r *http.Request) ([]completePart, error) {
	var doc completeBody
	if err := xml.NewDecoder(io.LimitReader(r.Body, maxCompleteBody)).Decode(&doc); err != nil || len(doc.Parts) == 0 {
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

// choosePartsIn returns the parts of the upload directory dir to
// concatenate: every part when all is set, else the listed ones, each of
// which must exist with the listed ETag; every chosen part but the last must
// be at least minPartSize.
func choosePartsIn(dir string, listed []completePart, all bool) ([]part, error) {
	have, err := parts(dir)
	if err != nil {
		return nil, uploadError(err)
	}
	chosen := have
	if !all {
		byNum := map[int]part{}
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
	if len(chosen) == 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidPart", "", msgInvalidPart)
	}
	for _, p := range chosen[:len(chosen)-1] {
		if p.Size < minPartSize {
			return nil, errorf(http.StatusBadRequest, "EntityTooSmall", "", msgPartTooSmall)
		}
	}
	return chosen, nil
}

// concat streams the chosen parts into a new pending object of bucket.
func (s *Server) concat(bucket string, chosen []part) (*pending, error) {
	var total int64
	for _, p := range chosen {
		total += p.Size
	}
	p, err := s.store.create(bucket, total)
	if err != nil {
		return nil, err
	}
	p.md5 = nil // the ETag is not the body's MD5
	for _, pt := range chosen {
		if err := copyPart(p, pt); err != nil {
			p.abort()
			return nil, err
		}
	}
	return p, nil
}

func copyPart(dst io.Writer, pt part) error {
	o, err := openObjectFile(pt.path)
	if err != nil {
		return err
	}
	defer o.Close()
	if _, err := io.Copy(dst, o.Body(0, o.meta.Size)); err != nil {
		return fmt.Errorf("ossemu: concatenate part %d: %w", pt.Number, err)
	}
	return nil
}

// multipartETag is OSS's ETag of a multipart object: the upper-case hex MD5
// of the concatenated binary MD5s of its parts, "-", the number of parts.
func multipartETag(chosen []part) string {
	h := md5.New()
	for _, p := range chosen {
		sum, _ := hex.DecodeString(p.ETag)
		h.Write(sum)
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))) + "-" + strconv.Itoa(len(chosen))
}

func removeAll(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("ossemu: remove: %w", err)
	}
	return nil
}
