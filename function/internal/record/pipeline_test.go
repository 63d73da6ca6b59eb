package record_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// emuHandler is a handler wired to e as record_main wires it to OSS.
func emuHandler(t *testing.T, e *emu, mode string) *record.Handler {
	t.Helper()
	h, err := record.NewHandler(testConfig(t, mode), record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			objs, err := e.opener().Objects(ctx)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Objects: objs}, ossstore.New(objs.Bucket, layout.Records), nil
		},
		Now: func() time.Time { return time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sdkUpload puts an object as a signed form would leave it.
func sdkUpload(t *testing.T, b *oss.Bucket, key, ctype string, body []byte) evRec {
	t.Helper()
	var h http.Header
	err := b.PutObject(key, bytes.NewReader(body), oss.ContentType(ctype), oss.SetHeader(upload.MetaUploader, "alice"),
		oss.SetHeader(upload.MetaProfile, "avatar"), oss.SetHeader(upload.MetaFilename, upload.EscapeFilename("me 中.png")),
		oss.GetResponseHeader(&h))
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	return evRec{name: "ObjectCreated:PutObject", bucket: bucket, key: key, etag: records.NormalizeETag(h.Get("ETag"))}
}

func TestPipelineOverOSS(t *testing.T) {
	for _, mode := range []string{"move", "tag"} {
		t.Run(mode, func(t *testing.T) {
			e := newEmu(t)
			b := e.bucket(t)
			h := emuHandler(t, e, mode)
			good := sdkUpload(t, b, key("a b+c.png"), "image/png", pngBytes(t))
			bad := sdkUpload(t, b, key("t.png"), "image/png", textBytes())
			e.Faults.FailNext(http.MethodGet, "/"+bucket+"/"+good.key, 1)
			ctx := e.ctx(t)
			p := payload(t, good, bad)
			if err := h.Handle(ctx, p); !record.Transient(err) {
				t.Fatalf("Handle with a failing GET: got %v, want a transient error", err)
			}
			for range 2 { // the retry, then a duplicate
				if err := h.Handle(ctx, p); err != nil {
					t.Fatalf("Handle again: %v", err)
				}
			}
			page, err := ossstore.New(b, layout.Records).List(ctx, "alice", records.Query{Limit: 10})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(page.Records) != 2 {
				t.Fatalf("List: got %d records, want 2: %+v", len(page.Records), page.Records)
			}
			byKey := map[string]records.Record{}
			for _, r := range page.Records {
				byKey[r.Key] = r
			}
			if r := byKey[good.key]; r.Status != records.StatusOK || r.OriginalName != "me 中.png" || r.ETag != good.etag {
				t.Errorf("good upload: got %+v, want ok, original name decoded, etag %s", r, good.etag)
			}
			checkOSSQuarantine(t, b, mode, byKey[bad.key])
		})
	}
}

func checkOSSQuarantine(t *testing.T, b *oss.Bucket, mode string, r records.Record) {
	t.Helper()
	if r.Status != records.StatusQuarantined {
		t.Fatalf("text as png: got status %q, want quarantined", r.Status)
	}
	orig, _ := b.IsObjectExist(r.Key)
	if mode == "tag" {
		tags, err := b.GetObjectTagging(r.Key)
		if err != nil || len(tags.Tags) != 1 || tags.Tags[0].Key != record.TagStatus || tags.Tags[0].Value != records.StatusQuarantined {
			t.Errorf("tag mode: got tags %+v (%v), want %s=%s", tags.Tags, err, record.TagStatus, records.StatusQuarantined)
		}
		return
	}
	moved, _ := b.IsObjectExist(r.QuarantineKey)
	if orig || !moved || r.QuarantineKey != layout.QuarantineKey(r.Key) {
		t.Errorf("move mode: original present %v, %q present %v; want moved", orig, r.QuarantineKey, moved)
	}
}
