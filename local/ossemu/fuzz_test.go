package ossemu

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const fuzzBoundary = "fuzzboundary"

// FuzzPostObject feeds arbitrary multipart bodies and arbitrary policy
// documents (inside an otherwise valid, correctly signed form, so that the
// policy parser and the condition checks are reached) to the handler. It must
// never panic or answer 5xx, and every error must be OSS XML.
func FuzzPostObject(f *testing.F) {
	now := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	srv, err := New(Config{DataDir: f.TempDir(), Region: testRegion, Buckets: []string{testBucket}, MaxObjectSize: 1 << 16, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	srv.AddCredential(Credential{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken})
	valid := stsForm("k.png", now).fields(f)
	validBody := rawMultipart(valid, []byte("data"))
	f.Add(validBody, []byte(`{"expiration":"2026-11-25T13:30:00.000Z","conditions":[]}`))
	f.Add(validBody[:len(validBody)/2], []byte(`{"expiration":"2026-11-25T13:30:00.000Z","conditions":[["content-length-range",1,2],["in","$key",["a"]],{"bucket":"ossgate-test"}]}`))
	f.Add([]byte("--"+fuzzBoundary+"\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--"+fuzzBoundary+"--\r\n"), []byte(`{"conditions":[["eq"]]}`))
	f.Add([]byte("garbage"), []byte(`[`))
	f.Add([]byte{}, []byte(`{"expiration":"2026-11-25T13:30:00Z","conditions":[{"a":1,"b":2},["starts-with","key",1],["not-in","$x","y"],["content-length-range",-1,"2"]]}`))
	f.Fuzz(func(t *testing.T, body, policyDoc []byte) {
		for _, b := range [][]byte{body, signedPolicyBody(policyDoc, now)} {
			req := httptest.NewRequest(http.MethodPost, "/"+testBucket, bytes.NewReader(b))
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var e errorBody
				if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" {
					t.Fatalf("status %d, body not OSS XML (%v): %s", rec.Code, err, rec.Body)
				}
			}
		}
	})
}

// signedPolicyBody is a form for k.png whose policy is doc, correctly
// signed, with every other field present.
func signedPolicyBody(doc []byte, now time.Time) []byte {
	date := now.Add(-time.Minute)
	pol := base64.StdEncoding.EncodeToString(doc)
	cred := stsAK + "/" + date.Format(v4DayLayout) + "/" + testRegion + "/oss/aliyun_v4_request"
	fields := [][2]string{
		{"key", "k.png"}, {"policy", pol}, {"x-oss-signature-version", v4Algorithm}, {"x-oss-credential", cred},
		{"x-oss-date", date.Format(v4DateLayout)}, {"x-oss-security-token", stsToken},
		{"x-oss-signature", v4Signature(stsSecret, date.Format(v4DayLayout), testRegion, pol)},
	}
	return rawMultipart(fields, []byte("data"))
}

// rawMultipart encodes fields and a file part with fuzzBoundary.
func rawMultipart(fields [][2]string, file []byte) []byte {
	var b bytes.Buffer
	for _, f := range fields {
		b.WriteString("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1] + "\r\n")
	}
	b.WriteString("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type: image/png\r\n\r\n")
	b.Write(file)
	b.WriteString("\r\n--" + fuzzBoundary + "--\r\n")
	return b.Bytes()
}
