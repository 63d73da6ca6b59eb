package matrix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// v2 drives alibabacloud-oss-go-sdk-v2 (V4, its default signature),
// path-style against the IP endpoint. Retries are off, so every answer the
// server gives is the one observed (the SDK would otherwise correct a
// RequestTimeTooSkewed by its clock offset and resend).
type v2 struct {
	t   *testing.T
	e   *env
	col column
	c   *oss.Client
	ctx context.Context
}

func newV2(t *testing.T, e *env, col column) *v2 {
	d := &v2{t: t, e: e, col: col, ctx: context.Background()}
	d.c = d.client(stsAK, stsSecret, stsToken)
	return d
}

func (d *v2) client(ak, secret, token string) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(ak, secret, token)).
		WithRegion(region).WithEndpoint(d.e.url).WithUsePathStyle(true).
		WithSignatureVersion(oss.SignatureVersionV4).WithRetryMaxAttempts(1).
		WithAdditionalHeaders([]string{"content-length"})
	return oss.NewClient(cfg)
}

// v2Outcome renders an SDK call's error as a matrix outcome.
func v2Outcome(err error) string {
	var se *oss.ServiceError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se) && se.Code != "" && se.Code != "BadErrorResponse":
		return fmt.Sprintf("%d %s", se.StatusCode, se.Code)
	case errors.As(err, &se):
		return strconv.Itoa(se.StatusCode)
	}
	return "client error: " + err.Error()
}

func (d *v2) k(key string) *string { return oss.Ptr(d.col.prefix + key) }

func (d *v2) rows() map[string]func() (facts, error) {
	return map[string]func() (facts, error){
		"put-get": d.putGet, "head": d.head, "odd-keys": d.oddKeys, "get-range": d.getRange,
		"list-v2": d.listV2, "list-v1": d.listV1, "delete": d.delete, "get-missing": d.getMissing,
		"delete-multiple": d.deleteMultiple, "copy": d.copy, "tagging": d.tagging,
		"presign-get": d.presignGet, "presign-put": d.presignPut, "presign-put-content-length": d.presignLength,
		"presign-expired": d.presignExpired, "conditional": d.conditional, "forbid-overwrite": d.forbid,
		"multipart": d.multipart, "upload-part-copy": d.uploadPartCopy, "multipart-abort": d.abort,
		"multipart-invalid-part": d.invalidPart, "multipart-invalid-order": d.invalidOrder,
		"multipart-too-small": d.tooSmall, "multipart-no-such-upload": d.noSuchUpload, "skew": d.skew,
		"sts-expired":       func() (facts, error) { return d.getWith(expiredAK, stsSecret, stsToken, true) },
		"sts-wrong-token":   func() (facts, error) { return d.getWith(stsAK, stsSecret, wrongToken, false) },
		"sts-missing-token": func() (facts, error) { return d.getWith(stsAK, stsSecret, "", false) },
		"unknown-key":       func() (facts, error) { return d.getWith(unknownAK, "whatever", "", false) },
	}
}

func (d *v2) put(key, body string) error {
	_, err := d.c.PutObject(d.ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(key), Body: strings.NewReader(body)})
	return err
}

// get GETs key and returns its body and status; opts adjust the request.
func (d *v2) get(key string, opts ...func(*oss.GetObjectRequest)) (string, int, error) {
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(key)}
	for _, o := range opts {
		o(req)
	}
	res, err := d.c.GetObject(d.ctx, req)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), res.StatusCode, err
}

func (d *v2) headers(key string) (http.Header, error) {
	res, err := d.c.HeadObject(d.ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(key)})
	if err != nil {
		return nil, err
	}
	return res.Headers, nil
}

func (d *v2) putGet() (facts, error) {
	res, err := d.c.PutObject(d.ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt"), Body: strings.NewReader("hello world"),
		ContentType: oss.Ptr("text/plain"), Metadata: map[string]string{"uid": "42"}})
	if err != nil {
		return nil, err
	}
	g, err := d.c.GetObject(d.ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt")})
	if err != nil {
		return nil, err
	}
	defer g.Body.Close()
	body, err := io.ReadAll(g.Body)
	return facts{"put-etag": oss.ToString(res.ETag), "body": string(body), "get-content-type": oss.ToString(g.ContentType)}, err
}

func (d *v2) head() (facts, error) {
	res, err := d.c.HeadObject(d.ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt")})
	if err != nil {
		return nil, err
	}
	lm := "bad"
	if res.LastModified != nil && !res.LastModified.IsZero() {
		lm = "ok"
	}
	return facts{"content-length": strconv.FormatInt(res.ContentLength, 10), "etag": oss.ToString(res.ETag),
		"meta-uid": res.Metadata["uid"], "object-type": oss.ToString(res.ObjectType), "last-modified": lm}, nil
}

func (d *v2) oddKeys() (facts, error) {
	got := facts{}
	for label, key := range oddKeys(d.col.prefix) {
		if err := d.put(key, label); err != nil {
			return nil, fmt.Errorf("put %s: %w", label, err)
		}
		body, _, err := d.get(key)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", label, err)
		}
		got[label] = body
	}
	res, err := d.c.ListObjectsV2(d.ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: d.k("odd/")})
	if err != nil {
		return nil, err
	}
	var listed []string
	for _, o := range res.Contents {
		listed = append(listed, oss.ToString(o.Key))
	}
	got["list"] = trimJoin(d.col.prefix, listed)
	return got, nil
}

func (d *v2) getRange() (facts, error) {
	if err := d.put("range.txt", "0123456789"); err != nil {
		return nil, err
	}
	got := facts{}
	for _, r := range []string{"2-5", "7-", "-3"} {
		body, status, err := d.get("range.txt", func(q *oss.GetObjectRequest) { q.Range = oss.Ptr("bytes=" + r) })
		if err != nil {
			return nil, err
		}
		got[r] = fmt.Sprintf("%d %s", status, body)
	}
	return got, nil
}

func (d *v2) putListFixture() error {
	for _, k := range listFixture {
		if err := d.put("list/"+k, k); err != nil {
			return err
		}
	}
	return nil
}

func prefixesOf(cps []oss.CommonPrefix) []string {
	var out []string
	for _, p := range cps {
		out = append(out, oss.ToString(p.Prefix))
	}
	return out
}

func (d *v2) listV2() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	var l listing
	var token *string
	for l.pages < 10 {
		res, err := d.c.ListObjectsV2(d.ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: d.k("list/"), Delimiter: oss.Ptr("/"), MaxKeys: 2, ContinuationToken: token})
		if err != nil {
			return nil, err
		}
		for _, o := range res.Contents {
			l.keys = append(l.keys, oss.ToString(o.Key))
		}
		l.add(prefixesOf(res.CommonPrefixes))
		if !res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
	}
	return l.facts(d.col.prefix + "list/"), nil
}

func (d *v2) listV1() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	var l listing
	var marker *string
	for l.pages < 10 {
		res, err := d.c.ListObjects(d.ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr(bucket), Prefix: d.k("list/"), Delimiter: oss.Ptr("/"), MaxKeys: 2, Marker: marker})
		if err != nil {
			return nil, err
		}
		for _, o := range res.Contents {
			l.keys = append(l.keys, oss.ToString(o.Key))
		}
		l.add(prefixesOf(res.CommonPrefixes))
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
	}
	return l.facts(d.col.prefix + "list/"), nil
}

func (d *v2) deleteKey(key string) error {
	_, err := d.c.DeleteObject(d.ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(key)})
	return err
}

func (d *v2) delete() (facts, error) {
	if err := d.put("del.txt", "x"); err != nil {
		return nil, err
	}
	if err := d.deleteKey("del.txt"); err != nil {
		return nil, err
	}
	_, _, err := d.get("del.txt")
	return facts{"get-after": v2Outcome(err), "delete-missing": v2Outcome(d.deleteKey("del.txt"))}, nil
}

func (d *v2) getMissing() (facts, error) {
	_, _, gerr := d.get("missing.txt")
	_, herr := d.headers("missing.txt")
	return facts{"get": v2Outcome(gerr), "head": strings.Fields(v2Outcome(herr))[0]}, nil
}

func (d *v2) deleteMultiple() (facts, error) {
	for _, k := range []string{"x/1", "x/2", "x/3"} {
		if err := d.put(k, k); err != nil {
			return nil, err
		}
	}
	res, err := d.c.DeleteMultipleObjects(d.ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr(bucket),
		Objects: []oss.DeleteObject{{Key: d.k("x/1")}, {Key: d.k("x/2")}, {Key: d.k("x/missing")}}})
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, o := range res.DeletedObjects {
		deleted = append(deleted, oss.ToString(o.Key))
	}
	sort.Strings(deleted)
	left, err := d.c.ListObjectsV2(d.ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: d.k("x/")})
	if err != nil {
		return nil, err
	}
	var remaining []string
	for _, o := range left.Contents {
		remaining = append(remaining, oss.ToString(o.Key))
	}
	return facts{"deleted": trimJoin(d.col.prefix, deleted), "remaining": trimJoin(d.col.prefix, remaining)}, nil
}

func (d *v2) copyObject(src, dst string, forbid bool) error {
	req := &oss.CopyObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(dst), SourceKey: d.k(src)}
	if forbid {
		req.ForbidOverwrite = oss.Ptr("true")
	}
	_, err := d.c.CopyObject(d.ctx, req)
	return err
}

func (d *v2) copy() (facts, error) {
	if err := d.copyObject("meta/a.txt", "copy/a.txt", false); err != nil {
		return nil, err
	}
	res, err := d.c.HeadObject(d.ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("copy/a.txt")})
	if err != nil {
		return nil, err
	}
	return facts{"etag": oss.ToString(res.ETag), "meta-uid": res.Metadata["uid"], "content-type": oss.ToString(res.ContentType)}, nil
}

func (d *v2) tagging() (facts, error) {
	if err := d.put("tag.txt", "t"); err != nil {
		return nil, err
	}
	set := &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("state"), Value: oss.Ptr("quarantined")}, {Key: oss.Ptr("n"), Value: oss.Ptr("1")}}}
	if _, err := d.c.PutObjectTagging(d.ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr(bucket), Key: d.k("tag.txt"), Tagging: &oss.Tagging{TagSet: set}}); err != nil {
		return nil, err
	}
	tags := func() (string, error) {
		res, err := d.c.GetObjectTagging(d.ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr(bucket), Key: d.k("tag.txt")})
		if err != nil {
			return "", err
		}
		var kv []string
		for _, t := range res.Tags {
			kv = append(kv, oss.ToString(t.Key)+"="+oss.ToString(t.Value))
		}
		sort.Strings(kv)
		return strings.Join(kv, "&"), nil
	}
	got, err := tags()
	if err != nil {
		return nil, err
	}
	if _, err := d.c.DeleteObjectTagging(d.ctx, &oss.DeleteObjectTaggingRequest{Bucket: oss.Ptr(bucket), Key: d.k("tag.txt")}); err != nil {
		return nil, err
	}
	after, err := tags()
	return facts{"get": got, "after-delete": after}, err
}

func (d *v2) presignGet() (facts, error) {
	p, err := d.c.Presign(d.ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt")}, oss.PresignExpires(time.Minute))
	if err != nil {
		return nil, err
	}
	r, err := fetch(http.MethodGet, p.URL, nil, nil)
	return facts{"status": strconv.Itoa(r.status), "body": string(r.body)}, err
}

func (d *v2) presignPut() (facts, error) {
	p, err := d.c.Presign(d.ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("presigned/put.txt"), ContentType: oss.Ptr("text/plain")}, oss.PresignExpires(time.Minute))
	if err != nil {
		return nil, err
	}
	r, err := fetch(http.MethodPut, p.URL, http.Header{"Content-Type": {"text/plain"}}, []byte("via url"))
	if err != nil {
		return nil, err
	}
	body, _, err := d.get("presigned/put.txt")
	return facts{"status": r.outcome(), "body": body}, err
}

func (d *v2) presignLength() (facts, error) {
	p, err := d.c.Presign(d.ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("presigned/len.txt"), ContentLength: oss.Ptr(int64(5))}, oss.PresignExpires(time.Minute))
	if err != nil {
		return nil, err
	}
	return presignedLengthFacts(p.URL)
}

func (d *v2) presignExpired() (facts, error) {
	p, err := d.c.Presign(d.ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt")}, oss.PresignExpires(time.Minute))
	if err != nil {
		return nil, err
	}
	defer d.e.clock.shift(2 * time.Minute)()
	return expiredFacts(p.URL)
}

func (d *v2) conditional() (facts, error) {
	h, err := d.headers("meta/a.txt")
	if err != nil {
		return nil, err
	}
	etag := h.Get("ETag")
	future, past := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Now().Add(-24*time.Hour).UTC().Format(http.TimeFormat)
	out := func(f func(*oss.GetObjectRequest)) string { _, _, err := d.get("meta/a.txt", f); return v2Outcome(err) }
	_, herr := d.c.HeadObject(d.ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k("meta/a.txt"), IfNoneMatch: oss.Ptr(etag)})
	return facts{
		"if-match":                 out(func(q *oss.GetObjectRequest) { q.IfMatch = oss.Ptr(etag) }),
		"if-match-wrong":           out(func(q *oss.GetObjectRequest) { q.IfMatch = oss.Ptr(`"0123"`) }),
		"if-none-match":            out(func(q *oss.GetObjectRequest) { q.IfNoneMatch = oss.Ptr(etag) }),
		"if-modified-since-future": out(func(q *oss.GetObjectRequest) { q.IfModifiedSince = oss.Ptr(future) }),
		"if-unmodified-since-past": out(func(q *oss.GetObjectRequest) { q.IfUnmodifiedSince = oss.Ptr(past) }),
		"head-if-none-match":       v2Outcome(herr),
	}, nil
}

func (d *v2) forbid() (facts, error) {
	putForbid := func(key, body string) error {
		_, err := d.c.PutObject(d.ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: d.k(key), Body: strings.NewReader(body), ForbidOverwrite: oss.Ptr("true")})
		return err
	}
	return facts{
		"put-existing":  v2Outcome(putForbid("meta/a.txt", "no")),
		"put-new":       v2Outcome(putForbid("forbid/new.txt", "new")),
		"copy-existing": v2Outcome(d.copyObject("meta/a.txt", "range.txt", true)),
	}, nil
}

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
