package sign

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// quotaConfig gives testConfig's "multi" profile a quota of 3 files and
// 1,000 bytes a day and a rate of 4 calls a minute.
func quotaConfig(o *Options) {
	p := o.Config.Profiles["multi"]
	p.Quota = quotaConfigQuota
	p.Rate = config.Rate{Signs: 4, Per: config.PerMinute}
	o.Config.Profiles["multi"] = p
}

// quotaConfigQuota is the quota quotaConfig gives "multi".
var quotaConfigQuota = config.Quota{Files: 3, Bytes: 1000, Per: config.PerDay}

// quotaSeen is a GET /quota answer as a client reads it.
type quotaSeen struct {
	Profile  string
	Quota    config.Quota
	Used     struct{ Files, Bytes int64 }
	Left     struct{ Files, Bytes int64 }
	ResetsAt time.Time
	Rate     *config.Rate
}

// signMulti asks for tickets of files of the given sizes under profile
// "multi" with the bearer header authz.
func signMulti(f *fixture, authz string, sizes ...int) *httptest.ResponseRecorder {
	var files []string
	for i, n := range sizes {
		files = append(files, fmt.Sprintf(`{"name":"f%d.png","type":"image/png","size":%d}`, i, n))
	}
	return f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"multi","files":[` + strings.Join(files, ",") + `]}`})
}

func TestQuotaAtSign(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	if w := signMulti(f, alice, 100, 100); w.Code != 200 {
		t.Fatalf("2 files: got %d %s", w.Code, w.Body)
	}
	// The tickets of the first call expire after the profile's 10 minutes.
	w := signMulti(f, alice, 100, 100)
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files", RetryAfter: "600"}, outcomeOf(t, w)); diff != "" {
		t.Fatalf("2 more files (-want +got):\n%s", diff)
	}
	if e := errorOf(t, w).Error; e.RetryAfter != 600 {
		t.Errorf("retryAfter: got %d, want 600", e.RetryAfter)
	}
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "bytes", RetryAfter: "600"}, outcomeOf(t, signMulti(f, alice, 900))); diff != "" {
		t.Errorf("1 file over the bytes left (-want +got):\n%s", diff)
	}
	if w := signMulti(f, alice, 100); w.Code != 200 {
		t.Errorf("the third file: got %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "POST", path: "/sign", authz: alice, body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`}); w.Code != 200 {
		t.Errorf("a profile without quota: got %d", w.Code)
	}
	if !strings.Contains(f.logs.String(), `"code":"QuotaExceeded"`) {
		t.Error("log: want the QuotaExceeded refusals logged")
	}
}

func TestRateAtSign(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		p := o.Config.Profiles["multi"]
		p.Rate = config.Rate{Signs: 2, Per: config.PerMinute}
		o.Config.Profiles["multi"] = p
	})
	carol := token(t, "carol")
	for range 2 {
		if w := signMulti(f, carol, 1); w.Code != 200 {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
	}
	// testNow is 13:14:15: the minute ends in 45 s.
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "rate", RetryAfter: "45"}, outcomeOf(t, signMulti(f, carol, 1))); diff != "" {
		t.Errorf("third call in a minute (-want +got):\n%s", diff)
	}
}

func TestQuotaStoreFailureRefuses(t *testing.T) {
	f := newFixture(t, quotaConfig)
	f.stores.err = errors.New("database away")
	if diff := cmp.Diff(outcome{Status: 503, Code: wire.CodeStoreUnavailable}, outcomeOf(t, signMulti(f, token(t, "alice"), 1))); diff != "" {
		t.Errorf("quota with the store away (-want +got):\n%s", diff)
	}
	if strings.Contains(f.logs.String(), "away") == false {
		t.Error("log: want the cause logged")
	}
}

func TestQuotaEndpoint(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	signMulti(f, alice, 100, 200)
	var a quotaSeen
	w := f.do(request{method: "GET", path: "/quota?profile=multi", authz: alice})
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != 200 {
		t.Fatalf("GET /quota: %d %s", w.Code, w.Body)
	}
	if a.Rate == nil {
		t.Errorf("GET /quota: got no rate, want the profile's")
	}
	a.Rate = nil
	want := quotaSeen{Profile: "multi", Quota: quotaConfigQuota, ResetsAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	want.Used.Files, want.Used.Bytes, want.Left.Files, want.Left.Bytes = 2, 300, 1, 700
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("GET /quota (-want +got):\n%s", diff)
	}
	w = f.do(request{method: "GET", path: "/quota?profile=avatar", authz: alice})
	if w.Code != 200 || strings.Contains(w.Body.String(), "left") {
		t.Errorf("GET /quota of a profile without quota: got %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "GET", path: "/quota?profile=nope", authz: alice}); w.Code != 400 {
		t.Errorf("unknown profile: got %d", w.Code)
	}
}

func TestUploadItem(t *testing.T) {
	f := newFixture(t, nil)
	putRecs(t, f, "alice", 2)
	q := records.Record{ID: "0123456789abcdef0123456789abcdef", Uploader: "alice", Key: "uploads/avatar/alice/q.png", Profile: "avatar",
		Status: records.StatusQuarantined, QuarantineKey: "quarantine/uploads/avatar/alice/q.png", ContentType: "image/png"}
	if err := f.stores.Put(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	// Record IDs in the fixture are "alice-00"; the route wants 32 hex digits.
	if w := f.do(request{method: "GET", path: "/uploads/alice-00", authz: token(t, "alice")}); w.Code != 404 {
		t.Errorf("GET of a malformed id: got %d, want 404", w.Code)
	}
	w := f.do(request{method: "GET", path: "/uploads/" + q.ID, authz: token(t, "alice")})
	var v wire.UploadView
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 || v.ID != q.ID || v.DownloadURL != "" {
		t.Errorf("GET a quarantined upload: got %d %s, want it without a downloadUrl", w.Code, w.Body)
	}
	if w := f.do(request{method: "GET", path: "/uploads/" + q.ID, authz: token(t, "bob")}); w.Code != 404 {
		t.Errorf("GET another user's upload: got %d, want 404", w.Code)
	}
	if w := f.do(request{method: "PUT", path: "/uploads/" + q.ID, authz: token(t, "alice")}); w.Code != 405 || w.Header().Get("Allow") != "DELETE, GET, OPTIONS" {
		t.Errorf("PUT: got %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	if w := f.do(request{method: "GET", path: "/uploads/" + q.ID}); w.Code != 401 {
		t.Errorf("GET without a token: got %d, want 401", w.Code)
	}
	// DELETE: the quarantined copy is not the caller's to delete; the
	// record is marked deleted; twice is 404.
	w = f.do(request{method: "DELETE", path: "/uploads/" + q.ID, authz: token(t, "alice")})
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 || v.Status != records.StatusDeleted || !v.DeletedAt.Equal(testNow) {
		t.Errorf("DELETE: got %d %s", w.Code, w.Body)
	}
	if len(f.objects.deleted) != 0 {
		t.Errorf("DELETE of a quarantined upload deleted %v, want nothing", f.objects.deleted)
	}
	if w := f.do(request{method: "DELETE", path: "/uploads/" + q.ID, authz: token(t, "alice")}); w.Code != 404 {
		t.Errorf("second DELETE: got %d, want 404", w.Code)
	}
}

func TestDeleteUpload(t *testing.T) {
	f := newFixture(t, nil)
	r := records.Record{ID: "00112233445566778899aabbccddeeff", Uploader: "alice", Key: "uploads/avatar/alice/2026/11/25/x.png",
		Profile: "avatar", Status: records.StatusOK, ContentType: "image/png", UploadedAt: testNow}
	if err := f.stores.Put(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if w := f.do(request{method: "DELETE", path: "/uploads/" + r.ID, authz: token(t, "bob")}); w.Code != 404 || len(f.objects.deleted) != 0 {
		t.Fatalf("bob deletes alice's: got %d, deleted %v; want 404 and nothing", w.Code, f.objects.deleted)
	}
	f.objects.err = errors.New("oss away")
	if w := f.do(request{method: "DELETE", path: "/uploads/" + r.ID, authz: token(t, "alice")}); w.Code != 503 {
		t.Errorf("DELETE with OSS away: got %d, want 503", w.Code)
	}
	if got, _ := f.stores.Get(t.Context(), "alice", r.ID); got.Status != records.StatusOK {
		t.Errorf("after a failed object delete: record %s, want it still ok", got.Status)
	}
	f.objects.err = nil
	if w := f.do(request{method: "DELETE", path: "/uploads/" + r.ID, authz: token(t, "alice")}); w.Code != 200 {
		t.Fatalf("DELETE: got %d %s", w.Code, w.Body)
	}
	if len(f.objects.deleted) != 1 || f.objects.deleted[0] != r.Key {
		t.Errorf("deleted objects: got %v, want %s", f.objects.deleted, r.Key)
	}
	page := pageOf(t, f.do(request{method: "GET", path: "/uploads", authz: token(t, "alice")}))
	if len(page.Records) != 0 {
		t.Errorf("GET /uploads after DELETE: got %d records, want none", len(page.Records))
	}
	page = pageOf(t, f.do(request{method: "GET", path: "/uploads?status=deleted", authz: token(t, "alice")}))
	if len(page.Records) != 1 || page.Records[0].DownloadURL != "" {
		t.Errorf("GET /uploads?status=deleted: got %+v, want the record without a downloadUrl", page.Records)
	}
}

// TestDownloadURLs checks the presigned URLs against the signer: the
// object's path on the upload URL, the query Presign signs for it, 5
// minutes, and x-oss-process for a thumbnail of an image only.
func TestDownloadURLs(t *testing.T) {
	f := newFixture(t, nil)
	putRecs(t, f, "alice", 1)
	pdf := records.Record{ID: "ffeeddccbbaa99887766554433221100", Uploader: "alice", Key: "uploads/document/alice/2026/11/25/d.pdf",
		Profile: "document", Status: records.StatusOK, ContentType: "application/pdf", UploadedAt: testNow.Add(-time.Hour)}
	if err := f.stores.Put(t.Context(), pdf); err != nil {
		t.Fatal(err)
	}
	page := pageOf(t, f.do(request{method: "GET", path: "/uploads", authz: token(t, "alice")}))
	if len(page.Records) != 2 {
		t.Fatalf("got %d records", len(page.Records))
	}
	img, doc := page.Records[0], page.Records[1]
	want := func(key string, query map[string]string) string {
		p, err := signer.Presign(testCreds, signer.PresignRequest{Method: "GET", Bucket: "test-bucket", Key: key, Query: query, Expires: 5 * time.Minute}, "cn-hangzhou", testNow)
		if err != nil {
			t.Fatal(err)
		}
		return "https://test-bucket.oss-cn-hangzhou.aliyuncs.com/" + key + "?" + p.Query
	}
	if got := img.DownloadURL; got != want(img.Key, nil) {
		t.Errorf("downloadUrl: got %s, want %s", got, want(img.Key, nil))
	}
	if got := img.ThumbnailURL; got != want(img.Key, map[string]string{"x-oss-process": "image/resize,w_256"}) {
		t.Errorf("thumbnailUrl: got %s", got)
	}
	u, err := url.Parse(img.ThumbnailURL)
	if err != nil || u.Query().Get("x-oss-process") != "image/resize,w_256" || u.Query().Get("x-oss-expires") != "300" {
		t.Errorf("thumbnailUrl query: %v %v", u, err)
	}
	if doc.DownloadURL != want(pdf.Key, nil) || doc.ThumbnailURL != "" {
		t.Errorf("pdf: got download %q, thumbnail %q; want a download URL only", doc.DownloadURL, doc.ThumbnailURL)
	}
	w := f.do(request{method: "GET", path: "/uploads/" + pdf.ID, authz: token(t, "alice")})
	var v wire.UploadView
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.DownloadURL != want(pdf.Key, nil) {
		t.Errorf("GET /uploads/{id}: got %d %s", w.Code, w.Body)
	}
}
