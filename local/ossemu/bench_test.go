package ossemu

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkPostObject measures one signed 64 KiB PostObject through the
// handler: multipart parse, signature, policy, streaming to disk, fsync,
// rename.
func BenchmarkPostObject(b *testing.B) {
	now := time.Now()
	srv, err := New(Config{DataDir: b.TempDir(), Region: testRegion, Buckets: []string{testBucket}, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.AddCredential(Credential{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken})
	body, ct := multipartBody(b, stsForm("bench/a.bin", now).fields(b), fileOf(make([]byte, 64<<10)))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/"+testBucket, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
