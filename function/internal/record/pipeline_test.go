package record_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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
		oss.SetHeader(upload.MetaOpenID, "o6_alice"), oss.GetResponseHeader(&h))
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
			type good4 struct{ Status, OriginalName, OpenID, ETag string }
			r := byKey[good.key]
			if d := cmp.Diff(good4{records.StatusOK, "me 中.png", "o6_alice", good.etag}, good4{r.Status, r.OriginalName, r.OpenID, r.ETag}); d != "" {
				t.Errorf("good upload, want ok, its name decoded, its openid read (-want +got):\n%s", d)
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
		if err != nil {
			t.Fatalf("tag mode: GetObjectTagging: %v", err)
		}
		want := []oss.Tag{{Key: record.TagStatus, Value: records.StatusQuarantined}}
		if d := cmp.Diff(want, tags.Tags, cmpopts.IgnoreFields(oss.Tag{}, "XMLName")); d != "" {
			t.Errorf("tag mode: tags (-want +got):\n%s", d)
		}
		return
	}
	type place struct {
		Original, Moved bool
		QuarantineKey   string
	}
	moved, _ := b.IsObjectExist(r.QuarantineKey)
	if d := cmp.Diff(place{false, true, layout.QuarantineKey(r.Key)}, place{orig, moved, r.QuarantineKey}); d != "" {
		t.Errorf("move mode, want moved (-want +got):\n%s", d)
	}
}
