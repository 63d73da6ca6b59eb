package ossemu

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// FuzzMultipartBodies feeds arbitrary bodies, correctly signed, to the XML
// parsers of the object API: CompleteMultipartUpload (on a live upload with
// one uploaded part) and DeleteMultipleObjects (with a matching
// Content-MD5), and arbitrary ranges to UploadPartCopy. Nothing may panic or
// answer 5xx, and every error must be OSS XML.
func FuzzMultipartBodies(f *testing.F) {
	now := time.Now()
	srv, err := New(Config{DataDir: f.TempDir(), Region: testRegion, Buckets: []string{testBucket}, MaxObjectSize: 1 << 20, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	srv.AddCredential(Credential{AccessKeyID: testAK, AccessKeySecret: testSecret})
	send := func(method, key, query string, body []byte, h http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/"+testBucket+"/"+key+"?"+query, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		date := now.UTC().Format(http.TimeFormat)
		req.Header.Set("Date", date)
		req.Header.Set("Authorization", "OSS "+testAK+":"+signV1(testSecret, &request{r: req, bucket: testBucket, key: key}, date))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := send(http.MethodPut, "src.bin", "", []byte("0123456789"), nil); rec.Code != http.StatusOK {
		f.Fatalf("put: %d %s", rec.Code, rec.Body)
	}
	u := &disk.Upload{Key: "mp.bin", Initiated: now}
	if err := srv.store.CreateUpload(testBucket, u); err != nil {
		f.Fatal(err)
	}
	if rec := send(http.MethodPut, "mp.bin", "partNumber=1&uploadId="+u.ID, []byte("part"), nil); rec.Code != http.StatusOK {
		f.Fatalf("upload part: %d %s", rec.Code, rec.Body)
	}
	f.Add([]byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>`), "bytes=0-3")
	f.Add([]byte(`<Delete><Quiet>true</Quiet><Object><Key>a%zz</Key></Object></Delete>`), "bytes=-1")
	f.Add([]byte(`<CompleteMultipartUpload><Part><PartNumber>99999</PartNumber></Part><Part/></CompleteMultipartUpload>`), "bytes=5-")
	f.Add([]byte("<"), "bytes=9-2,1-2")
	f.Fuzz(func(t *testing.T, body []byte, rng string) {
		sum := md5.Sum(body)
		recs := []*httptest.ResponseRecorder{
			send(http.MethodPost, "mp.bin", "uploadId="+u.ID, body, nil),
			send(http.MethodPost, "", "delete&encoding-type=url", body, http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}),
			send(http.MethodPut, "mp.bin", "partNumber=2&uploadId="+u.ID, nil, http.Header{"X-Oss-Copy-Source": {"/" + testBucket + "/src.bin"}, "X-Oss-Copy-Source-Range": {rng}}),
		}
		for _, rec := range recs {
			if rec.Code >= 500 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				ossError(t, rec.Body.Bytes())
			}
		}
	})
}
