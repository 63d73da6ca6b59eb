package sign

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/signer"
)

// quotaConfig gives testConfig's "multi" profile a quota of 3 files and
// 1,000 bytes a day and a rate of 4 calls a minute.
func quotaConfig(o *Options) {
	p := o.Config.Profiles["multi"]
	p.Quota = config.Quota{Files: 3, Bytes: 1000, Per: config.PerDay}
	p.Rate = config.Rate{Signs: 4, Per: config.PerMinute}
	o.Config.Profiles["multi"] = p
}

func signMulti(f *fixture, user string, sizes ...int) (code int, body string, retryAfter string) {
	var files []string
	for i, n := range sizes {
		files = append(files, fmt.Sprintf(`{"name":"f%d.png","type":"image/png","size":%d}`, i, n))
	}
	w := f.do("POST", "/sign", user, `{"profile":"multi","files":[`+strings.Join(files, ",")+`]}`, nil)
	return w.Code, w.Body.String(), w.Header().Get("Retry-After")
}

func TestQuotaAtSign(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	if code, body, _ := signMulti(f, alice, 100, 100); code != 200 {
		t.Fatalf("2 files: got %d %s", code, body)
	}
	code, body, retry := signMulti(f, alice, 100, 100)
	if code != 429 || !strings.Contains(body, `"code":"QuotaExceeded"`) || !strings.Contains(body, `"exceeded":"files"`) {
		t.Fatalf("2 more files: got %d %s, want 429 QuotaExceeded files", code, body)
	}
	// The claims of the first call count for the tickets' 10 minutes and
	// the RecordingWindow after them (an upload may still await its record).
	if retry != "7800" || !strings.Contains(body, `"retryAfter":7800`) {
		t.Errorf("Retry-After: got %q (body %s), want 7800", retry, body)
	}
	if code, body, _ := signMulti(f, alice, 900); code != 429 || !strings.Contains(body, `"exceeded":"bytes"`) {
		t.Errorf("1 file over the bytes left: got %d %s, want 429 bytes", code, body)
	}
	if code, body, _ := signMulti(f, alice, 100); code != 200 {
		t.Errorf("the third file: got %d %s", code, body)
	}
	if code, _, _ := f.doStatus("POST", "/sign", alice, `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`); code != 200 {
		t.Errorf("a profile without quota: got %d", code)
	}
	if !strings.Contains(f.logs.String(), `"code":"QuotaExceeded"`) {
		t.Error("log: want the QuotaExceeded refusals logged")
	}
}

func (f *fixture) doStatus(method, path, authz, body string) (int, string, string) {
	w := f.do(method, path, authz, body, nil)
	return w.Code, w.Body.String(), w.Header().Get("Retry-After")
}

func TestRateAtSign(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		p := o.Config.Profiles["multi"]
		p.Rate = config.Rate{Signs: 2, Per: config.PerMinute}
		o.Config.Profiles["multi"] = p
	})
	carol := token(t, "carol")
	for range 2 {
		if code, body, _ := signMulti(f, carol, 1); code != 200 {
			t.Fatalf("got %d %s", code, body)
		}
	}
	code, body, retry := signMulti(f, carol, 1)
	// testNow is 13:14:15: the minute ends in 45 s.
	if code != 429 || !strings.Contains(body, `"exceeded":"rate"`) || retry != "45" {
		t.Errorf("third call in a minute: got %d %s, Retry-After %q; want 429 rate, 45", code, body, retry)
	}
}

func TestQuotaStoreFailureRefuses(t *testing.T) {
	f := newFixture(t, quotaConfig)
	f.stores.err = errors.New("database away")
	if code, body, _ := signMulti(f, token(t, "alice"), 1); code != 503 || !strings.Contains(body, CodeStoreUnavailable) {
		t.Errorf("quota with the store away: got %d %s, want 503 StoreUnavailable", code, body)
	}
	if strings.Contains(f.logs.String(), "away") == false {
		t.Error("log: want the cause logged")
	}
}

func TestQuotaEndpoint(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	signMulti(f, alice, 100, 200)
	var a struct {
		Profile  string
		Quota    config.Quota
		Used     struct{ Files, Bytes int64 }
		Left     struct{ Files, Bytes int64 }
		ResetsAt time.Time
		Rate     *config.Rate
	}
	w := f.do("GET", "/quota?profile=multi", alice, "", nil)
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != 200 {
		t.Fatalf("GET /quota: %d %s", w.Code, w.Body)
	}
	if a.Used.Files != 2 || a.Used.Bytes != 300 || a.Left.Files != 1 || a.Left.Bytes != 700 || a.Quota.Files != 3 || a.Rate == nil ||
		!a.ResetsAt.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("GET /quota: got %+v", a)
	}
	w = f.do("GET", "/quota?profile=avatar", alice, "", nil)
	if w.Code != 200 || strings.Contains(w.Body.String(), "left") {
		t.Errorf("GET /quota of a profile without quota: got %d %s", w.Code, w.Body)
	}
	if w := f.do("GET", "/quota?profile=nope", alice, "", nil); w.Code != 400 {
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
	if w := f.do("GET", "/uploads/alice-00", token(t, "alice"), "", nil); w.Code != 404 {
		t.Errorf("GET of a malformed id: got %d, want 404", w.Code)
	}
	w := f.do("GET", "/uploads/"+q.ID, token(t, "alice"), "", nil)
	var v view
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 || v.ID != q.ID || v.DownloadURL != "" {
		t.Errorf("GET a quarantined upload: got %d %s, want it without a downloadUrl", w.Code, w.Body)
	}
	if w := f.do("GET", "/uploads/"+q.ID, token(t, "bob"), "", nil); w.Code != 404 {
		t.Errorf("GET another user's upload: got %d, want 404", w.Code)
	}
	if w := f.do("PUT", "/uploads/"+q.ID, token(t, "alice"), "", nil); w.Code != 405 || w.Header().Get("Allow") != "DELETE, GET, OPTIONS" {
		t.Errorf("PUT: got %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	if w := f.do("GET", "/uploads/"+q.ID, "", "", nil); w.Code != 401 {
		t.Errorf("GET without a token: got %d, want 401", w.Code)
	}
	// DELETE: the quarantined copy is not the caller's to delete; the
	// record is marked deleted; twice is 404.
	w = f.do("DELETE", "/uploads/"+q.ID, token(t, "alice"), "", nil)
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 || v.Status != records.StatusDeleted || !v.DeletedAt.Equal(testNow) {
		t.Errorf("DELETE: got %d %s", w.Code, w.Body)
	}
	if len(f.objects.deleted) != 0 {
		t.Errorf("DELETE of a quarantined upload deleted %v, want nothing", f.objects.deleted)
	}
	if w := f.do("DELETE", "/uploads/"+q.ID, token(t, "alice"), "", nil); w.Code != 404 {
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
	if w := f.do("DELETE", "/uploads/"+r.ID, token(t, "bob"), "", nil); w.Code != 404 || len(f.objects.deleted) != 0 {
		t.Fatalf("bob deletes alice's: got %d, deleted %v; want 404 and nothing", w.Code, f.objects.deleted)
	}
	f.objects.err = errors.New("oss away")
	if w := f.do("DELETE", "/uploads/"+r.ID, token(t, "alice"), "", nil); w.Code != 503 {
		t.Errorf("DELETE with OSS away: got %d, want 503", w.Code)
	}
	if got, _ := f.stores.Get(t.Context(), "alice", r.ID); got.Status != records.StatusOK {
		t.Errorf("after a failed object delete: record %s, want it still ok", got.Status)
	}
	f.objects.err = nil
	if w := f.do("DELETE", "/uploads/"+r.ID, token(t, "alice"), "", nil); w.Code != 200 {
		t.Fatalf("DELETE: got %d %s", w.Code, w.Body)
	}
	if len(f.objects.deleted) != 1 || f.objects.deleted[0] != r.Key {
		t.Errorf("deleted objects: got %v, want %s", f.objects.deleted, r.Key)
	}
	page := pageOf(t, f.do("GET", "/uploads", token(t, "alice"), "", nil))
	if len(page.Records) != 0 {
		t.Errorf("GET /uploads after DELETE: got %d records, want none", len(page.Records))
	}
	page = pageOf(t, f.do("GET", "/uploads?status=deleted", token(t, "alice"), "", nil))
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
	page := pageOf(t, f.do("GET", "/uploads", token(t, "alice"), "", nil))
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
	w := f.do("GET", "/uploads/"+pdf.ID, token(t, "alice"), "", nil)
	var v view
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.DownloadURL != want(pdf.Key, nil) {
		t.Errorf("GET /uploads/{id}: got %d %s", w.Code, w.Body)
	}
}
