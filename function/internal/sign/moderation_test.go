package sign

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// TestPendingAndRejectedHaveNoURLs: a record waiting for its verdict, or
// rejected by it, is listed (and filtered by status) and shown with its
// verdict, but never with a download or thumbnail URL; an ok one is.
func TestPendingAndRejectedHaveNoURLs(t *testing.T) {
	f := newFixture(t, nil)
	at := testNow.Add(-time.Minute)
	mk := func(id, status string, m *records.Moderation) records.Record {
		return records.Record{ID: id, Uploader: "alice", Key: "uploads/avatar/alice/" + id + ".png", Profile: "avatar",
			Status: status, ContentType: "image/png", UploadedAt: at, Moderation: m}
	}
	pending := mk("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", records.StatusPending, &records.Moderation{Provider: "aliyun"})
	rejected := mk("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", records.StatusRejected, &records.Moderation{Provider: "aliyun", By: records.DecidedByProvider,
		Labels: []records.Label{{Label: "porn", Confidence: 98}}, DecidedAt: at})
	ok := mk("cccccccccccccccccccccccccccccccc", records.StatusOK, &records.Moderation{Provider: "aliyun", By: records.DecidedByProvider, DecidedAt: at})
	for _, r := range []records.Record{pending, rejected, ok} {
		if err := f.stores.Put(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		status  string
		want    records.Record
		wantURL bool
	}{
		{records.StatusPending, pending, false},
		{records.StatusRejected, rejected, false},
		{records.StatusOK, ok, true},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			page := pageOf(t, f.do(request{method: "GET", path: "/uploads?status=" + tt.status, authz: token(t, "alice")}))
			if len(page.Records) != 1 || page.Records[0].ID != tt.want.ID {
				t.Fatalf("GET /uploads?status=%s: got %+v, want only %s", tt.status, page.Records, tt.want.ID)
			}
			w := f.do(request{method: "GET", path: "/uploads/" + tt.want.ID, authz: token(t, "alice")})
			var v wire.UploadView
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 {
				t.Fatalf("GET /uploads/%s: %d %s", tt.want.ID, w.Code, w.Body)
			}
			for _, got := range []wire.UploadView{page.Records[0], v} {
				if hasURL := got.DownloadURL != "" && got.ThumbnailURL != ""; hasURL != tt.wantURL {
					t.Errorf("%s record: download %q thumbnail %q, want URLs: %v", tt.status, got.DownloadURL, got.ThumbnailURL, tt.wantURL)
				}
				if got.Status != tt.status || got.Moderation == nil || got.Moderation.By != tt.want.Moderation.By ||
					len(got.Moderation.Labels) != len(tt.want.Moderation.Labels) {
					t.Errorf("%s record: status %q moderation %+v, want %+v", tt.status, got.Status, got.Moderation, tt.want.Moderation)
				}
			}
		})
	}
}
