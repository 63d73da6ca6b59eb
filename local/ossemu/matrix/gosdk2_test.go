package matrix

import (
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
		"multipart": d.multipart, "upload-part-copy": d.uploadPartCopy, "presign-upload-part": d.presignUploadPart, "multipart-abort": d.abort,
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
	got["list"] = trimJoin(d.col.prefix, keysOf(res.Contents))
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

// optional is nil for "", else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return oss.Ptr(s)
}

func (d *v2) listV2() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	return pageThrough(d.col.prefix+"list/", func(token string) (page, error) {
		res, err := d.c.ListObjectsV2(d.ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: d.k("list/"), Delimiter: oss.Ptr("/"), MaxKeys: 2, ContinuationToken: optional(token)})
		if err != nil {
			return page{}, err
		}
		p := page{prefixes: prefixesOf(res.CommonPrefixes), keys: keysOf(res.Contents)}
		if res.IsTruncated {
			p.next = oss.ToString(res.NextContinuationToken)
		}
		return p, nil
	})
}

func (d *v2) listV1() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	return pageThrough(d.col.prefix+"list/", func(marker string) (page, error) {
		res, err := d.c.ListObjects(d.ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr(bucket), Prefix: d.k("list/"), Delimiter: oss.Ptr("/"), MaxKeys: 2, Marker: optional(marker)})
		if err != nil {
			return page{}, err
		}
		p := page{prefixes: prefixesOf(res.CommonPrefixes), keys: keysOf(res.Contents)}
		if res.IsTruncated {
			p.next = oss.ToString(res.NextMarker)
		}
		return p, nil
	})
}

func keysOf(objs []oss.ObjectProperties) []string {
	var out []string
	for _, o := range objs {
		out = append(out, oss.ToString(o.Key))
	}
	return out
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
	return facts{"deleted": trimJoin(d.col.prefix, deleted), "remaining": trimJoin(d.col.prefix, keysOf(left.Contents))}, nil
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
