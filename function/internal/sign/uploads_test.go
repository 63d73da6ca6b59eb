package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// putRecs stores n records of user, record i uploaded i seconds before
// testNow (so listed in order i).
func putRecs(t *testing.T, f *fixture, user string, n int) {
	t.Helper()
	for i := range n {
		r := records.Record{ID: fmt.Sprintf("%s-%02d", user, i), Uploader: user, Key: "uploads/avatar/" + user + fmt.Sprintf("/%d.png", i),
			Profile: "avatar", Status: records.StatusOK, ContentType: "image/png", UploadedAt: testNow.Add(-time.Duration(i) * time.Second)}
		if err := f.stores.Put(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUploads(t *testing.T) {
	tests := []struct {
		name, query, authz string
		storeErr           error
		wantStatus         int
		wantCode           string
		wantIDs            []string
		wantNext           bool
	}{
		{"default limit", "", "alice", nil, 200, "", ids("alice", 0, 20), true},
		{"limit 2", "?limit=2", "alice", nil, 200, "", ids("alice", 0, 2), true},
		{"limit 100", "?limit=100", "alice", nil, 200, "", ids("alice", 0, 25), false},
		{"other user param ignored", "?user=bob&uploader=bob", "alice", nil, 200, "", ids("alice", 0, 20), true},
		{"since", "?since=" + testNow.Add(-2*time.Second).Format(time.RFC3339), "alice", nil, 200, "", ids("alice", 0, 3), false},
		{"profile", "?profile=image", "alice", nil, 200, "", []string{}, false},
		{"status deleted", "?status=deleted", "alice", nil, 200, "", []string{}, false},
		{"no records", "", "carol", nil, 200, "", []string{}, false},
		{"limit 0", "?limit=0", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"limit 101", "?limit=101", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"limit word", "?limit=ten", "alice", nil, 400, wire.CodeInvalidLimit, nil, false},
		{"bad cursor", "?cursor=zzz", "alice", nil, 400, wire.CodeInvalidCursor, nil, false},
		{"huge cursor", "?cursor=" + strings.Repeat("c", 3000), "alice", nil, 400, wire.CodeInvalidCursor, nil, false},
		{"bad status", "?status=gone", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"bad profile", "?profile=../x", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"bad since", "?since=yesterday", "alice", nil, 400, wire.CodeInvalidFilter, nil, false},
		{"no token", "", "", nil, 401, wire.CodeUnauthenticated, nil, false},
		{"no credentials", "", "alice", fmt.Errorf("x: %w", creds.ErrNone), 503, wire.CodeNoCredentials, nil, false},
		{"store failure", "", "alice", fmt.Errorf("boom"), 503, wire.CodeStoreUnavailable, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			putRecs(t, f, "alice", 25)
			putRecs(t, f, "bob", 3)
			f.stores.err = tt.storeErr
			authz := ""
			if tt.authz != "" {
				authz = token(t, tt.authz)
			}
			w := f.do(request{method: "GET", path: "/uploads" + tt.query, authz: authz})
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantCode != "" {
				if e := errorOf(t, w); e.Error.Code != tt.wantCode {
					t.Errorf("code: got %q, want %q", e.Error.Code, tt.wantCode)
				}
				return
			}
			page := pageOf(t, w)
			got := []string{}
			for _, r := range page.Records {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, got); diff != "" || (page.Next != "") != tt.wantNext {
				t.Errorf("ids (-want +got):\n%s next: got %q, want one: %v", diff, page.Next, tt.wantNext)
			}
			if diff := cmp.Diff([]string{tt.authz}, f.stores.asked); diff != "" {
				t.Errorf("users listed (-want +got):\n%s", diff)
			}
		})
	}
}

// pageOf decodes a GET /uploads answer.
func pageOf(t *testing.T, w *httptest.ResponseRecorder) wire.UploadsPage {
	t.Helper()
	var page wire.UploadsPage
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	return page
}

func TestUploadsPages(t *testing.T) {
	f := newFixture(t, nil)
	putRecs(t, f, "alice", 25)
	putRecs(t, f, "bob", 3)
	var got []string
	cursor := ""
	for range 10 {
		page := pageOf(t, f.do(request{method: "GET", path: "/uploads?limit=7&cursor=" + url.QueryEscape(cursor), authz: token(t, "alice")}))
		for _, r := range page.Records {
			got = append(got, r.ID)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if d := cmp.Diff(ids("alice", 0, 25), got); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	if w := f.do(request{method: "GET", path: "/uploads?cursor=" + url.QueryEscape(pageOf(t, f.do(request{method: "GET", path: "/uploads?limit=1", authz: token(t, "bob")})).Next), authz: token(t, "alice")}); w.Code != 400 {
		t.Errorf("another user's cursor: got %d, want 400", w.Code)
	}
}

func ids(user string, from, to int) []string {
	out := []string{}
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s-%02d", user, i))
	}
	return out
}

func TestUploadsAnonymous(t *testing.T) {
	f := newFixture(t, nil)
	v := anonymousAuth{}
	f.h.o.Auth = v
	w := f.do(request{method: "GET", path: "/uploads"})
	if w.Code != 401 {
		t.Errorf("anonymous /uploads: got %d, want 401", w.Code)
	}
	if w := f.do(request{method: "POST", path: "/sign", body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`}); w.Code != 200 {
		t.Fatalf("anonymous /sign: got %d, want 200; %s", w.Code, w.Body)
	} else if u := decodeUploads(t, w.Body.Bytes())[0]; u.Fields[upload.MetaUploader] != "anonymous" || !strings.Contains(u.Key, "/anonymous/") {
		t.Errorf("anonymous ticket: uploader %q key %q", u.Fields[upload.MetaUploader], u.Key)
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
