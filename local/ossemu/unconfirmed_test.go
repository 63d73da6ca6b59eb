package ossemu

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// presignV4 builds a V4 presigned URL for GET key with the given x-oss-date
// and x-oss-expires, signed by the emulator's own V4 code (these tests check
// the checks around the signature, not the signature; the client matrix
// checks the signature against the official clients).
func presignV4(t *testing.T, f *fixture, key string, date time.Time, expires string) string {
	t.Helper()
	v := url.Values{}
	v.Set("x-oss-signature-version", v4Algorithm)
	v.Set("x-oss-credential", testAK+"/"+date.Format(v4DayLayout)+"/"+testRegion+"/oss/aliyun_v4_request")
	v.Set("x-oss-date", date.Format(v4DateLayout))
	v.Set("x-oss-expires", expires)
	u := f.http.URL + "/" + testBucket + "/" + key + "?" + v.Encode()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := &request{r: req, bucket: testBucket, key: key}
	scope := date.Format(v4DayLayout) + "/" + testRegion + "/oss/aliyun_v4_request"
	sts := v4Algorithm + "\n" + date.Format(v4DateLayout) + "\n" + scope + "\n" + sha256Hex(canonicalRequest(q, nil, "x-oss-signature"))
	return u + "&x-oss-signature=" + v4Signature(testSecret, date.Format(v4DayLayout), testRegion, sts)
}

// TestUnconfirmedRefusals covers behaviours no OSS document settles (see
// CONFORMANCE.md, "Unconfirmed"): each must be refused, and only the class
// of the refusal is checked, not a guessed code.
func TestUnconfirmedRefusals(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("u/a.txt", strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	valid := presignV4(t, f, "u/a.txt", now, "60")
	if resp, _ := f.do(t, http.MethodGet, strings.TrimPrefix(valid, f.http.URL), nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the valid presigned URL: got %d, want 200 (the cases below would prove nothing)", resp.StatusCode)
	}
	imur, err := b.InitiateMultipartUpload("u/mp.bin")
	if err != nil {
		t.Fatal(err)
	}
	p1, err := b.UploadPart(imur, bytes.NewReader(bytes.Repeat([]byte("p"), minPartSize)), minPartSize, 1)
	if err != nil {
		t.Fatal(err)
	}
	dupes := xmlParts(p1, p1)
	cases := []struct {
		name  string
		send  func() int
		class int // the status/100 the refusal must have, or an exact status when ≥ 100
	}{
		{"v4-url-expires-zero", func() int { return f.status(t, presignV4(t, f, "u/a.txt", now, "0")) }, 4},
		{"v4-url-expires-over-7-days", func() int {
			return f.status(t, presignV4(t, f, "u/a.txt", now, strconv.Itoa(maxURLExpires+1)))
		}, 4},
		{"v4-url-dated-20-min-ahead", func() int { return f.status(t, presignV4(t, f, "u/a.txt", now.Add(20*time.Minute), "60")) }, http.StatusForbidden},
		{"v1-url-expires-not-a-number", func() int {
			return f.status(t, f.http.URL+"/"+testBucket+"/u/a.txt?OSSAccessKeyId="+testAK+"&Expires=abc&Signature=x")
		}, 4},
		{"complete-duplicate-part-numbers", func() int {
			resp, _ := signedDo(t, f, http.MethodPost, "u/mp.bin", "uploadId="+imur.UploadID, dupes, nil)
			return resp.StatusCode
		}, http.StatusBadRequest},
		{"upload-part-copy-range-outside", func() int {
			_, err := b.UploadPartCopy(imur, testBucket, "u/a.txt", 10, 5, 2)
			var se oss.ServiceError
			if !errors.As(err, &se) {
				return 0
			}
			return se.StatusCode
		}, 4},
		{"delete-multiple-without-content-md5", func() int {
			resp, _ := signedDo(t, f, http.MethodPost, "", "delete", "<Delete><Object><Key>u/a.txt</Key></Object></Delete>", nil)
			return resp.StatusCode
		}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.send()
			if (c.class < 100 && got/100 != c.class) || (c.class >= 100 && got != c.class) {
				t.Errorf("got status %d, want a refusal of class %d", got, c.class)
			}
		})
	}
}

// status GETs an absolute URL on f and returns the status.
func (f *fixture) status(t *testing.T, u string) int {
	t.Helper()
	resp, _ := f.do(t, http.MethodGet, strings.TrimPrefix(u, f.http.URL), nil, nil)
	return resp.StatusCode
}

func xmlParts(parts ...oss.UploadPart) string {
	var b strings.Builder
	b.WriteString("<CompleteMultipartUpload>")
	for _, p := range parts {
		b.WriteString("<Part><PartNumber>" + strconv.Itoa(p.PartNumber) + "</PartNumber><ETag>" + p.ETag + "</ETag></Part>")
	}
	b.WriteString("</CompleteMultipartUpload>")
	return b.String()
}
