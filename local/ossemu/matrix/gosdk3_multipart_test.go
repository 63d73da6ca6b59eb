package matrix

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

func (d *v3) uploadParts(imur oss.InitiateMultipartUploadResult, data ...[]byte) ([]oss.UploadPart, error) {
	var parts []oss.UploadPart
	for i, p := range data {
		up, err := d.b.UploadPart(imur, bytes.NewReader(p), int64(len(p)), i+1)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		parts = append(parts, up)
	}
	return parts, nil
}

func (d *v3) multipart() (facts, error) {
	key := d.k("mp/big.bin")
	imur, err := d.b.InitiateMultipartUpload(key, oss.ContentType("application/x-test"), oss.Meta("uid", "7"))
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts(imur, part1, part2, part3)
	if err != nil {
		return nil, err
	}
	lp, err := d.b.ListUploadedParts(imur)
	if err != nil {
		return nil, err
	}
	var listed []string
	for _, p := range lp.UploadedParts {
		listed = append(listed, fmt.Sprintf("%d:%d", p.PartNumber, p.Size))
	}
	lu, err := d.b.ListMultipartUploads(oss.Prefix(d.k("mp/")))
	if err != nil {
		return nil, err
	}
	var uploads []string
	for _, u := range lu.Uploads {
		uploads = append(uploads, u.Key)
	}
	done, err := d.b.CompleteMultipartUpload(imur, parts)
	if err != nil {
		return nil, err
	}
	h, err := d.b.GetObjectDetailedMeta(key)
	if err != nil {
		return nil, err
	}
	body, err := d.get(key)
	return facts{"parts": strings.Join(listed, "|"), "uploads": trimJoin(d.col.prefix, uploads), "complete-etag": done.ETag,
		"etag": h.Get("ETag"), "size": h.Get("Content-Length"), "object-type": h.Get("X-Oss-Object-Type"),
		"content-type": h.Get("Content-Type"), "meta-uid": h.Get("X-Oss-Meta-Uid"), "body-md5": md5Hex([]byte(body))}, err
}

func (d *v3) uploadPartCopy() (facts, error) {
	key := d.k("mp/copy.bin")
	imur, err := d.b.InitiateMultipartUpload(key)
	if err != nil {
		return nil, err
	}
	cp, err := d.b.UploadPartCopy(imur, bucket, d.k("mp/big.bin"), 0, int64(len(part1)), 1)
	if err != nil {
		return nil, err
	}
	tail, err := d.b.UploadPart(imur, strings.NewReader("tail"), 4, 2)
	if err != nil {
		return nil, err
	}
	if _, err := d.b.CompleteMultipartUpload(imur, []oss.UploadPart{cp, tail}); err != nil {
		return nil, err
	}
	body, err := d.get(key)
	return facts{"size": strconv.Itoa(len(body)), "body-md5": md5Hex([]byte(body))}, err
}

func (d *v3) abort() (facts, error) {
	imur, err := d.b.InitiateMultipartUpload(d.k("mp/abort.bin"))
	if err != nil {
		return nil, err
	}
	if _, err := d.uploadParts(imur, part3); err != nil {
		return nil, err
	}
	if err := d.b.AbortMultipartUpload(imur); err != nil {
		return nil, err
	}
	_, uerr := d.b.UploadPart(imur, bytes.NewReader(part3), 1, 2)
	_, lerr := d.b.ListUploadedParts(imur)
	return facts{"upload-after": v3Outcome(uerr), "list-parts-after": v3Outcome(lerr)}, nil
}

func (d *v3) invalidPart() (facts, error) {
	imur, err := d.b.InitiateMultipartUpload(d.k("mp/invalid.bin"))
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts(imur, part3)
	if err != nil {
		return nil, err
	}
	_, werr := d.b.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: `"00000000000000000000000000000000"`}})
	_, merr := d.b.CompleteMultipartUpload(imur, []oss.UploadPart{parts[0], {PartNumber: 2, ETag: parts[0].ETag}})
	return facts{"wrong-etag": v3Outcome(werr), "missing-part": v3Outcome(merr)}, nil
}

// invalidOrder sends the part list through Bucket.Do, the SDK's public
// generic signed request: CompleteMultipartUpload sorts the parts first.
func (d *v3) invalidOrder() (facts, error) {
	imur, err := d.b.InitiateMultipartUpload(d.k("mp/order.bin"))
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts(imur, part1, part3)
	if err != nil {
		return nil, err
	}
	body, err := completeXML(parts[1].PartNumber, parts[1].ETag, parts[0].PartNumber, parts[0].ETag)
	if err != nil {
		return nil, err
	}
	resp, err := d.b.Do(http.MethodPost, imur.Key, map[string]any{"uploadId": imur.UploadID}, nil, bytes.NewReader(body), nil)
	if err == nil {
		resp.Body.Close()
	}
	return facts{"complete": v3Outcome(err)}, nil
}

func (d *v3) tooSmall() (facts, error) {
	imur, err := d.b.InitiateMultipartUpload(d.k("mp/small.bin"))
	if err != nil {
		return nil, err
	}
	small := bytes.Repeat([]byte("s"), 1024)
	parts, err := d.uploadParts(imur, small, small)
	if err != nil {
		return nil, err
	}
	_, err = d.b.CompleteMultipartUpload(imur, parts)
	return facts{"complete": v3Outcome(err)}, nil
}

func (d *v3) noSuchUpload() (facts, error) {
	imur := oss.InitiateMultipartUploadResult{Bucket: bucket, Key: d.k("mp/none.bin"), UploadID: "0123456789ABCDEF0123456789ABCDEF"}
	_, err := d.b.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: `"00"`}})
	return facts{"complete": v3Outcome(err)}, nil
}

// skew moves the server's clock 20 minutes ahead: the SDK has no clock
// option, and a server clock that is off is the same request seen from OSS.
func (d *v3) skew() (facts, error) {
	defer d.e.clock.shift(20 * time.Minute)()
	return facts{"put": v3Outcome(d.b.PutObject(d.k("skew.txt"), strings.NewReader("x")))}, nil
}

// getWith GETs meta/a.txt with another credential; withEC adds the EC the
// answer carried.
func (d *v3) getWith(ak, secret, token string, withEC bool) (facts, error) {
	b := d.bucket(ak, secret, token)
	_, err := b.GetObject(d.k("meta/a.txt"))
	f := facts{"get": v3Outcome(err)}
	if withEC {
		var se oss.ServiceError
		errors.As(err, &se)
		f["ec"] = se.Ec
	}
	return f, nil
}

// completeXML is a CompleteMultipartUpload body listing (number, etag)
// pairs in the order given.
func completeXML(pairs ...any) ([]byte, error) {
	type part struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	}
	doc := struct {
		XMLName xml.Name `xml:"CompleteMultipartUpload"`
		Parts   []part   `xml:"Part"`
	}{}
	for i := 0; i+1 < len(pairs); i += 2 {
		doc.Parts = append(doc.Parts, part{PartNumber: pairs[i].(int), ETag: pairs[i+1].(string)})
	}
	return xml.Marshal(doc)
}

func (d *v3) presignUploadPart() (facts, error) {
	if !d.v4 {
		return nil, errCannot("a V1 presigned URL (OSSAccessKeyId/Expires/Signature) signs no additional headers")
	}
	imur, err := d.b.InitiateMultipartUpload(d.k("mp/presigned.bin"))
	if err != nil {
		return nil, err
	}
	sign := func(n int, size int64) (string, error) {
		return d.b.SignURL(imur.Key, oss.HTTPPut, 60, oss.AddParam("partNumber", strconv.Itoa(n)), oss.AddParam("uploadId", imur.UploadID), oss.ContentLength(size))
	}
	u1, err := sign(1, int64(len(part1)))
	if err != nil {
		return nil, err
	}
	u2, err := sign(2, 4)
	if err != nil {
		return nil, err
	}
	return presignedPartsFacts(u1, u2, func(e1, e2 string) ([]byte, error) {
		if _, err := d.b.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: e1}, {PartNumber: 2, ETag: e2}}); err != nil {
			return nil, err
		}
		body, err := d.get(imur.Key)
		return []byte(body), err
	})
}
