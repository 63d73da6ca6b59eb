package matrix

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// v3 drives aliyun-oss-go-sdk v3.0.2 (the design card's Go SDK) with V1 or
// V4 header signatures, path-style against the IP endpoint.
type v3 struct {
	t   *testing.T
	e   *env
	col column
	v4  bool
	b   *oss.Bucket
}

func newV3(t *testing.T, e *env, col column, v4 bool) *v3 {
	d := &v3{t: t, e: e, col: col, v4: v4}
	d.b = d.bucket(stsAK, stsSecret, stsToken)
	return d
}

// bucket is the SDK's bucket handle signed with the given credential.
func (d *v3) bucket(ak, secret, token string) *oss.Bucket {
	opts := []oss.ClientOption{oss.Timeout(5, 20), oss.AdditionalHeaders([]string{"content-length"})}
	if d.v4 {
		opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(region))
	}
	if token != "" {
		opts = append(opts, oss.SecurityToken(token))
	}
	c, err := oss.New(d.e.url, ak, secret, opts...)
	if err != nil {
		d.t.Fatalf("oss.New: %v", err)
	}
	b, err := c.Bucket(bucket)
	if err != nil {
		d.t.Fatalf("Bucket: %v", err)
	}
	return b
}

// v3Outcome renders an SDK call's error as a matrix outcome.
func v3Outcome(err error) string {
	var se oss.ServiceError
	var ue oss.UnexpectedStatusCodeError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se) && se.Code != "":
		return fmt.Sprintf("%d %s", se.StatusCode, se.Code)
	case errors.As(err, &se):
		return strconv.Itoa(se.StatusCode)
	case errors.As(err, &ue):
		return strconv.Itoa(ue.Got())
	}
	// The SDK reports a 3xx answer (a 304) only in the error text.
	if m := v3Redirect.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return "client error: " + err.Error()
}

var v3Redirect = regexp.MustCompile(`^oss: service returned (3\d\d),`)

func (d *v3) k(key string) string { return d.col.prefix + key }

func (d *v3) rows() map[string]func() (facts, error) {
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

func (d *v3) putGet() (facts, error) {
	var resp http.Header
	if err := d.b.PutObject(d.k("meta/a.txt"), strings.NewReader("hello world"), oss.ContentType("text/plain"),
		oss.Meta("uid", "42"), oss.GetResponseHeader(&resp)); err != nil {
		return nil, err
	}
	res, err := d.b.DoGetObject(&oss.GetObjectRequest{ObjectKey: d.k("meta/a.txt")}, nil)
	if err != nil {
		return nil, err
	}
	defer res.Response.Body.Close()
	body, err := io.ReadAll(res.Response.Body)
	return facts{"put-etag": resp.Get("ETag"), "body": string(body), "get-content-type": res.Response.Headers.Get("Content-Type")}, err
}

func (d *v3) head() (facts, error) {
	h, err := d.b.GetObjectDetailedMeta(d.k("meta/a.txt"))
	if err != nil {
		return nil, err
	}
	lm := "ok"
	if _, err := http.ParseTime(h.Get("Last-Modified")); err != nil {
		lm = "bad"
	}
	return facts{"content-length": h.Get("Content-Length"), "etag": h.Get("ETag"), "meta-uid": h.Get("X-Oss-Meta-Uid"),
		"object-type": h.Get("X-Oss-Object-Type"), "last-modified": lm}, nil
}

func (d *v3) get(key string, opts ...oss.Option) (string, error) {
	r, err := d.b.GetObject(key, opts...)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func (d *v3) oddKeys() (facts, error) {
	keys := oddKeys(d.col.prefix)
	got := facts{}
	for label, key := range keys {
		if err := d.b.PutObject(d.col.prefix+key, strings.NewReader(label)); err != nil {
			return nil, fmt.Errorf("put %s: %w", label, err)
		}
		body, err := d.get(d.col.prefix + key)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", label, err)
		}
		got[label] = body
	}
	res, err := d.b.ListObjectsV2(oss.Prefix(d.k("odd/")))
	if err != nil {
		return nil, err
	}
	var listed []string
	for _, o := range res.Objects {
		listed = append(listed, strings.TrimPrefix(o.Key, d.col.prefix))
	}
	got["list"] = strings.Join(listed, "|")
	return got, nil
}

func (d *v3) getRange() (facts, error) {
	if err := d.b.PutObject(d.k("range.txt"), strings.NewReader("0123456789")); err != nil {
		return nil, err
	}
	got := facts{}
	for _, r := range []string{"2-5", "7-", "-3"} {
		res, err := d.b.DoGetObject(&oss.GetObjectRequest{ObjectKey: d.k("range.txt")}, []oss.Option{oss.NormalizedRange(r)})
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(res.Response.Body)
		res.Response.Body.Close()
		if err != nil {
			return nil, err
		}
		got[r] = fmt.Sprintf("%d %s", res.Response.StatusCode, b)
	}
	return got, nil
}

func (d *v3) putListFixture() error {
	for _, k := range listFixture {
		if err := d.b.PutObject(d.k("list/"+k), strings.NewReader(k)); err != nil {
			return err
		}
	}
	return nil
}

func (d *v3) listV2() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	return pageThrough(d.k("list/"), func(token string) (page, error) {
		res, err := d.b.ListObjectsV2(oss.Prefix(d.k("list/")), oss.Delimiter("/"), oss.MaxKeys(2), oss.ContinuationToken(token))
		p := page{prefixes: res.CommonPrefixes}
		for _, o := range res.Objects {
			p.keys = append(p.keys, o.Key)
		}
		if res.IsTruncated {
			p.next = res.NextContinuationToken
		}
		return p, err
	})
}

func (d *v3) listV1() (facts, error) {
	if err := d.putListFixture(); err != nil {
		return nil, err
	}
	return pageThrough(d.k("list/"), func(marker string) (page, error) {
		res, err := d.b.ListObjects(oss.Prefix(d.k("list/")), oss.Delimiter("/"), oss.MaxKeys(2), oss.Marker(marker))
		p := page{prefixes: res.CommonPrefixes}
		for _, o := range res.Objects {
			p.keys = append(p.keys, o.Key)
		}
		if res.IsTruncated {
			p.next = res.NextMarker
		}
		return p, err
	})
}

func (d *v3) delete() (facts, error) {
	if err := d.b.PutObject(d.k("del.txt"), strings.NewReader("x")); err != nil {
		return nil, err
	}
	if err := d.b.DeleteObject(d.k("del.txt")); err != nil {
		return nil, err
	}
	_, err := d.get(d.k("del.txt"))
	return facts{"get-after": v3Outcome(err), "delete-missing": v3Outcome(d.b.DeleteObject(d.k("del.txt")))}, nil
}

func (d *v3) getMissing() (facts, error) {
	_, gerr := d.get(d.k("missing.txt"))
	_, herr := d.b.GetObjectDetailedMeta(d.k("missing.txt"))
	return facts{"get": v3Outcome(gerr), "head": strings.Fields(v3Outcome(herr))[0]}, nil
}

func (d *v3) deleteMultiple() (facts, error) {
	for _, k := range []string{"x/1", "x/2", "x/3"} {
		if err := d.b.PutObject(d.k(k), strings.NewReader(k)); err != nil {
			return nil, err
		}
	}
	res, err := d.b.DeleteObjects([]string{d.k("x/1"), d.k("x/2"), d.k("x/missing")}, oss.DeleteObjectsQuiet(false))
	if err != nil {
		return nil, err
	}
	left, err := d.b.ListObjectsV2(oss.Prefix(d.k("x/")))
	if err != nil {
		return nil, err
	}
	var remaining []string
	for _, o := range left.Objects {
		remaining = append(remaining, o.Key)
	}
	return facts{"deleted": trimJoin(d.col.prefix, res.DeletedObjects), "remaining": trimJoin(d.col.prefix, remaining)}, nil
}

func (d *v3) copy() (facts, error) {
	if _, err := d.b.CopyObject(d.k("meta/a.txt"), d.k("copy/a.txt")); err != nil {
		return nil, err
	}
	h, err := d.b.GetObjectDetailedMeta(d.k("copy/a.txt"))
	if err != nil {
		return nil, err
	}
	return facts{"etag": h.Get("ETag"), "meta-uid": h.Get("X-Oss-Meta-Uid"), "content-type": h.Get("Content-Type")}, nil
}

func (d *v3) tagging() (facts, error) {
	key := d.k("tag.txt")
	if err := d.b.PutObject(key, strings.NewReader("t")); err != nil {
		return nil, err
	}
	if err := d.b.PutObjectTagging(key, oss.Tagging{Tags: []oss.Tag{{Key: "state", Value: "quarantined"}, {Key: "n", Value: "1"}}}); err != nil {
		return nil, err
	}
	tags := func() (string, error) {
		res, err := d.b.GetObjectTagging(key)
		var kv []string
		for _, t := range res.Tags {
			kv = append(kv, t.Key+"="+t.Value)
		}
		sort.Strings(kv)
		return strings.Join(kv, "&"), err
	}
	got, err := tags()
	if err != nil {
		return nil, err
	}
	if err := d.b.DeleteObjectTagging(key); err != nil {
		return nil, err
	}
	after, err := tags()
	return facts{"get": got, "after-delete": after}, err
}

func (d *v3) presignGet() (facts, error) {
	u, err := d.b.SignURL(d.k("meta/a.txt"), oss.HTTPGet, 60)
	if err != nil {
		return nil, err
	}
	r, err := fetch(http.MethodGet, u, nil, nil)
	return facts{"status": strconv.Itoa(r.status), "body": string(r.body)}, err
}

func (d *v3) presignPut() (facts, error) {
	key := d.k("presigned/put.txt")
	u, err := d.b.SignURL(key, oss.HTTPPut, 60, oss.ContentType("text/plain"))
	if err != nil {
		return nil, err
	}
	r, err := fetch(http.MethodPut, u, http.Header{"Content-Type": {"text/plain"}}, []byte("via url"))
	if err != nil {
		return nil, err
	}
	body, err := d.get(key)
	return facts{"status": r.outcome(), "body": body}, err
}

func (d *v3) presignLength() (facts, error) {
	if !d.v4 {
		return nil, errCannot("a V1 presigned URL (OSSAccessKeyId/Expires/Signature) signs no additional headers")
	}
	u, err := d.b.SignURL(d.k("presigned/len.txt"), oss.HTTPPut, 60, oss.ContentLength(5))
	if err != nil {
		return nil, err
	}
	return presignedLengthFacts(u)
}

func (d *v3) presignExpired() (facts, error) {
	u, err := d.b.SignURL(d.k("meta/a.txt"), oss.HTTPGet, 60)
	if err != nil {
		return nil, err
	}
	defer d.e.clock.shift(2 * time.Minute)()
	return expiredFacts(u)
}

func (d *v3) conditional() (facts, error) {
	key := d.k("meta/a.txt")
	h, err := d.b.GetObjectDetailedMeta(key)
	if err != nil {
		return nil, err
	}
	etag := h.Get("ETag")
	future, past := time.Now().Add(time.Hour), time.Now().Add(-24*time.Hour)
	out := func(opts ...oss.Option) string { _, err := d.get(key, opts...); return v3Outcome(err) }
	_, herr := d.b.GetObjectDetailedMeta(key, oss.IfNoneMatch(etag))
	return facts{
		"if-match": out(oss.IfMatch(etag)), "if-match-wrong": out(oss.IfMatch(`"0123"`)),
		"if-none-match": out(oss.IfNoneMatch(etag)), "if-modified-since-future": out(oss.IfModifiedSince(future)),
		"if-unmodified-since-past": out(oss.IfUnmodifiedSince(past)), "head-if-none-match": v3Outcome(herr),
	}, nil
}

func (d *v3) forbid() (facts, error) {
	_, cerr := d.b.CopyObject(d.k("meta/a.txt"), d.k("range.txt"), oss.ForbidOverWrite(true))
	return facts{
		"put-existing":  v3Outcome(d.b.PutObject(d.k("meta/a.txt"), strings.NewReader("no"), oss.ForbidOverWrite(true))),
		"put-new":       v3Outcome(d.b.PutObject(d.k("forbid/new.txt"), strings.NewReader("new"), oss.ForbidOverWrite(true))),
		"copy-existing": v3Outcome(cerr),
	}, nil
}
