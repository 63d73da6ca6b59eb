package matrix

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

func (d *v2) initiate(key string, req *oss.InitiateMultipartUploadRequest) (string, error) {
	if req == nil {
		req = &oss.InitiateMultipartUploadRequest{}
	}
	req.Bucket, req.Key = oss.Ptr(bucket), d.k(key)
	res, err := d.c.InitiateMultipartUpload(d.ctx, req)
	if err != nil {
		return "", err
	}
	return oss.ToString(res.UploadId), nil
}

func (d *v2) uploadPart(key, id string, n int32, data []byte) (oss.UploadPart, error) {
	res, err := d.c.UploadPart(d.ctx, &oss.UploadPartRequest{Bucket: oss.Ptr(bucket), Key: d.k(key), UploadId: oss.Ptr(id), PartNumber: n, Body: bytes.NewReader(data)})
	if err != nil {
		return oss.UploadPart{}, fmt.Errorf("part %d: %w", n, err)
	}
	return oss.UploadPart{PartNumber: n, ETag: res.ETag}, nil
}

func (d *v2) uploadParts(key, id string, data ...[]byte) ([]oss.UploadPart, error) {
	var parts []oss.UploadPart
	for i, p := range data {
		up, err := d.uploadPart(key, id, int32(i+1), p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, up)
	}
	return parts, nil
}

func (d *v2) complete(key, id string, parts []oss.UploadPart) (*oss.CompleteMultipartUploadResult, error) {
	return d.c.CompleteMultipartUpload(d.ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr(bucket), Key: d.k(key), UploadId: oss.Ptr(id),
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}})
}

func (d *v2) multipart() (facts, error) {
	id, err := d.initiate("mp/big.bin", &oss.InitiateMultipartUploadRequest{ContentType: oss.Ptr("application/x-test"), Metadata: map[string]string{"uid": "7"}})
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts("mp/big.bin", id, part1, part2, part3)
	if err != nil {
		return nil, err
	}
	lp, err := d.c.ListParts(d.ctx, &oss.ListPartsRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/big.bin"), UploadId: oss.Ptr(id)})
	if err != nil {
		return nil, err
	}
	var listed []string
	for _, p := range lp.Parts {
		listed = append(listed, fmt.Sprintf("%d:%d", p.PartNumber, p.Size))
	}
	lu, err := d.c.ListMultipartUploads(d.ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr(bucket), Prefix: d.k("mp/")})
	if err != nil {
		return nil, err
	}
	var uploads []string
	for _, u := range lu.Uploads {
		uploads = append(uploads, oss.ToString(u.Key))
	}
	done, err := d.complete("mp/big.bin", id, parts)
	if err != nil {
		return nil, err
	}
	h, err := d.c.HeadObject(d.ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/big.bin")})
	if err != nil {
		return nil, err
	}
	body, _, err := d.get("mp/big.bin")
	return facts{"parts": strings.Join(listed, "|"), "uploads": trimJoin(d.col.prefix, uploads), "complete-etag": oss.ToString(done.ETag),
		"etag": oss.ToString(h.ETag), "size": strconv.FormatInt(h.ContentLength, 10), "object-type": oss.ToString(h.ObjectType),
		"content-type": oss.ToString(h.ContentType), "meta-uid": h.Metadata["uid"], "body-md5": md5Hex([]byte(body))}, err
}

func (d *v2) uploadPartCopy() (facts, error) {
	id, err := d.initiate("mp/copy.bin", nil)
	if err != nil {
		return nil, err
	}
	cp, err := d.c.UploadPartCopy(d.ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/copy.bin"), UploadId: oss.Ptr(id), PartNumber: 1,
		SourceKey: d.k("mp/big.bin"), Range: oss.Ptr(fmt.Sprintf("bytes=0-%d", len(part1)-1))})
	if err != nil {
		return nil, err
	}
	tail, err := d.uploadPart("mp/copy.bin", id, 2, []byte("tail"))
	if err != nil {
		return nil, err
	}
	if _, err := d.complete("mp/copy.bin", id, []oss.UploadPart{{PartNumber: 1, ETag: cp.ETag}, tail}); err != nil {
		return nil, err
	}
	body, _, err := d.get("mp/copy.bin")
	return facts{"size": strconv.Itoa(len(body)), "body-md5": md5Hex([]byte(body))}, err
}

func (d *v2) abort() (facts, error) {
	id, err := d.initiate("mp/abort.bin", nil)
	if err != nil {
		return nil, err
	}
	if _, err := d.uploadPart("mp/abort.bin", id, 1, part3); err != nil {
		return nil, err
	}
	if _, err := d.c.AbortMultipartUpload(d.ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/abort.bin"), UploadId: oss.Ptr(id)}); err != nil {
		return nil, err
	}
	_, uerr := d.uploadPart("mp/abort.bin", id, 2, part3)
	_, lerr := d.c.ListParts(d.ctx, &oss.ListPartsRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/abort.bin"), UploadId: oss.Ptr(id)})
	return facts{"upload-after": v2Outcome(uerr), "list-parts-after": v2Outcome(lerr)}, nil
}

func (d *v2) invalidPart() (facts, error) {
	id, err := d.initiate("mp/invalid.bin", nil)
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts("mp/invalid.bin", id, part3)
	if err != nil {
		return nil, err
	}
	_, werr := d.complete("mp/invalid.bin", id, []oss.UploadPart{{PartNumber: 1, ETag: oss.Ptr(`"00000000000000000000000000000000"`)}})
	_, merr := d.complete("mp/invalid.bin", id, []oss.UploadPart{parts[0], {PartNumber: 2, ETag: parts[0].ETag}})
	return facts{"wrong-etag": v2Outcome(werr), "missing-part": v2Outcome(merr)}, nil
}

// invalidOrder sends the part list through InvokeOperation, the SDK's public
// generic operation: CompleteMultipartUpload sorts the parts first.
func (d *v2) invalidOrder() (facts, error) {
	id, err := d.initiate("mp/order.bin", nil)
	if err != nil {
		return nil, err
	}
	parts, err := d.uploadParts("mp/order.bin", id, part1, part3)
	if err != nil {
		return nil, err
	}
	body, err := completeXML(2, oss.ToString(parts[1].ETag), 1, oss.ToString(parts[0].ETag))
	if err != nil {
		return nil, err
	}
	out, err := d.c.InvokeOperation(d.ctx, &oss.OperationInput{OpName: "CompleteMultipartUpload", Method: http.MethodPost,
		Bucket: oss.Ptr(bucket), Key: d.k("mp/order.bin"), Parameters: map[string]string{"uploadId": id}, Body: bytes.NewReader(body)})
	if err == nil && out.Body != nil {
		out.Body.Close()
	}
	return facts{"complete": v2Outcome(err)}, nil
}

func (d *v2) tooSmall() (facts, error) {
	id, err := d.initiate("mp/small.bin", nil)
	if err != nil {
		return nil, err
	}
	small := bytes.Repeat([]byte("s"), 1024)
	parts, err := d.uploadParts("mp/small.bin", id, small, small)
	if err != nil {
		return nil, err
	}
	_, err = d.complete("mp/small.bin", id, parts)
	return facts{"complete": v2Outcome(err)}, nil
}

func (d *v2) noSuchUpload() (facts, error) {
	_, err := d.complete("mp/none.bin", "0123456789ABCDEF0123456789ABCDEF", []oss.UploadPart{{PartNumber: 1, ETag: oss.Ptr(`"00"`)}})
	return facts{"complete": v2Outcome(err)}, nil
}

// skew moves the server's clock 20 minutes ahead (see v3.skew); with
// retries off the SDK reports the first answer.
func (d *v2) skew() (facts, error) {
	defer d.e.clock.shift(20 * time.Minute)()
	return facts{"put": v2Outcome(d.put("skew.txt", "x"))}, nil
}

func (d *v2) getWith(ak, secret, token string, withEC bool) (facts, error) {
	c := d.client(ak, secret, token)
	_, err := c.GetObject(d.ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt")})
	f := facts{"get": v2Outcome(err)}
	if withEC {
		var se *oss.ServiceError
		errors.As(err, &se)
		if se != nil {
			f["ec"] = se.EC
		}
	}
	return f, nil
}

func (d *v2) presignUploadPart() (facts, error) {
	id, err := d.initiate("mp/presigned.bin", nil)
	if err != nil {
		return nil, err
	}
	sign := func(n int32, size int64) (string, error) {
		p, err := d.c.Presign(d.ctx, &oss.UploadPartRequest{Bucket: oss.Ptr(bucket), Key: d.k("mp/presigned.bin"), UploadId: oss.Ptr(id),
			PartNumber: n, ContentLength: oss.Ptr(size)}, oss.PresignExpires(time.Minute))
		if err != nil {
			return "", err
		}
		return p.URL, nil
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
		if _, err := d.complete("mp/presigned.bin", id, []oss.UploadPart{{PartNumber: 1, ETag: oss.Ptr(e1)}, {PartNumber: 2, ETag: oss.Ptr(e2)}}); err != nil {
			return nil, err
		}
		body, _, err := d.get("mp/presigned.bin")
		return []byte(body), err
	})
}
