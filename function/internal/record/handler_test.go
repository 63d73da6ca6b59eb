package record_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

func TestRecordOK(t *testing.T) {
	e := newEnv(t, "")
	ev := e.upload(key("a.png"), "image/png", pngBytes(t))
	if err := e.handle(t, ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	info, _ := e.objs.info(ev.key)
	want := records.Record{
		ID: records.ID(bucket, ev.key), Bucket: bucket, Key: ev.key, ETag: ev.etag,
		Size: info.Size, ContentType: "image/png", DetectedType: "image/png", Uploader: "alice",
		Profile: "avatar", OriginalName: "my file.png", Status: records.StatusOK,
		Event: "ObjectCreated:PostObject", UploadedAt: info.LastModified, RecordedAt: e.now,
	}
	if d := cmp.Diff(want, e.get(t, ev.key)); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
	for _, want := range []string{`"requestId":"req-1"`, `"key":"` + ev.key + `"`, `"status":"ok"`, `"bucket":"testbucket"`} {
		if !strings.Contains(e.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestQuarantine(t *testing.T) {
	big := append(pngBytes(t), make([]byte, 1<<20)...)
	tests := []struct {
		name, mode, key, ctype, profile string
		body                            []byte
		reason                          string
	}{
		{"text as png, move", "move", key("t.png"), "image/png", "avatar", textBytes(), "declared image/png, content is text/plain"},
		{"text as png, tag", "tag", key("t.png"), "image/png", "avatar", textBytes(), "declared image/png, content is text/plain"},
		{"too large", "move", key("big.png"), "image/png", "avatar", big, fmt.Sprintf("size %d outside profile avatar limits [1, 1048576]", len(big))},
		{"type not in profile", "move", key("x.gif"), "image/gif", "avatar", gifBytes(t), "type image/gif not allowed by profile avatar"},
		{"unknown profile", "move", keyOf("doc", "alice", "x.pdf"), "application/pdf", "doc", pdfBytes(), `unknown profile "doc"`},
		{"jpeg as png", "tag", key("j.png"), "image/png", "avatar", jpegBytes(t), "declared image/png, content is image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.mode)
			e.objs.put(tt.key, tt.ctype, "alice", tt.profile, tt.body)
			if err := e.handle(t, evRec{name: "ObjectCreated:PutObject", bucket: bucket, key: tt.key}); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			r := e.get(t, tt.key)
			if d := cmp.Diff(verdict{records.StatusQuarantined, tt.reason}, verdict{r.Status, r.Reason}); d != "" {
				t.Errorf("record (-want +got):\n%s", d)
			}
			checkQuarantined(t, e, tt.mode, tt.key, r)
		})
	}
}

// checkQuarantined checks where the object of r ended up.
func checkQuarantined(t *testing.T, e *env, mode, key string, r records.Record) {
	t.Helper()
	type place struct {
		Original, Copy     bool
		Tag, QuarantineKey string
	}
	var tag string
	if o := e.objs.objs[key]; o != nil {
		tag = o.tags[record.TagStatus]
	}
	q := layout.QuarantineKey(key)
	got := place{e.objs.has(key), e.objs.has(q), tag, r.QuarantineKey}
	want := place{Copy: true, QuarantineKey: q} // moved
	if mode == "tag" {
		want = place{Original: true, Tag: records.StatusQuarantined} // tagged in place
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mode: where the object is (-want +got):\n%s", mode, d)
	}
}

func TestSameEventTwiceIsOneIdenticalRecord(t *testing.T) {
	for _, mode := range []string{"move", "tag"} {
		for _, body := range [][]byte{pngBytes(t), textBytes()} {
			t.Run(mode+" "+record.Sniff(body), func(t *testing.T) {
				e := newEnv(t, mode)
				ev := e.upload(key("a.png"), "image/png", body)
				if err := e.handle(t, ev); err != nil {
					t.Fatalf("first Handle: %v", err)
				}
				first := e.get(t, ev.key)
				e.now = e.now.Add(time.Minute)
				if err := e.handle(t, ev, ev); err != nil {
					t.Fatalf("second Handle: %v", err)
				}
				if n := e.store.Len(); n != 1 {
					t.Errorf("got %d records, want 1", n)
				}
				if d := cmp.Diff(first, e.get(t, ev.key)); d != "" {
					t.Errorf("record changed by a duplicate (-first +now):\n%s", d)
				}
			})
		}
	}
}

func TestIgnored(t *testing.T) {
	e := newEnv(t, "")
	rec, quarantined := layout.Records+"/alice/r/x.json", layout.QuarantineKey(key("a.png"))
	for _, k := range []string{rec, quarantined, "elsewhere/a.png", key("a.png")} {
		e.objs.put(k, "text/plain", "alice", "avatar", textBytes())
	}
	err := e.handle(t,
		evRec{name: "ObjectCreated:PutObject", bucket: bucket, key: rec},
		evRec{name: "ObjectCreated:CopyObject", bucket: bucket, key: quarantined},
		evRec{name: "ObjectCreated:PutObject", bucket: bucket, key: "elsewhere/a.png"},
		evRec{name: "ObjectCreated:PutObject", bucket: "otherbucket", key: key("a.png")},
		evRec{name: "ObjectRemoved:DeleteObject", bucket: bucket, key: key("a.png")},
	)
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(e.objs.calls) != 0 {
		t.Errorf("got calls %v, want none", e.objs.calls)
	}
	if n := e.store.Len(); n != 0 {
		t.Errorf("got %d records, want none", n)
	}
	if n := strings.Count(e.logs.String(), `"status":"ignored"`); n != 5 {
		t.Errorf("got %d ignored log lines, want 5", n)
	}
}

func TestMalformedPayloadIsAcknowledged(t *testing.T) {
	e := newEnv(t, "")
	for _, p := range []string{``, `not json`, `{}`, `{"events": 3}`, `[]`} {
		if err := e.h.Handle(context.Background(), json.RawMessage(p)); err != nil {
			t.Errorf("Handle(%q): got %v, want nil", p, err)
		}
	}
}

func TestBatchWithBadRecords(t *testing.T) {
	e := newEnv(t, "")
	good1 := e.upload(key("1.png"), "image/png", pngBytes(t))
	good2 := e.upload(key("2.jpg"), "image/jpeg", jpegBytes(t))
	flaky := e.upload(key("3.png"), "image/png", pngBytes(t))
	e.objs.failNext("read", flaky.key, service(503, "ServiceUnavailable"))
	gone := evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: key("gone.png"), etag: "ABC"}
	malformed := evRec{name: "ObjectCreated:PostObject", bucket: bucket}
	err := e.handle(t, good1, malformed, gone, flaky, good2)
	if err == nil || !strings.Contains(err.Error(), "1 of 5 records failed") {
		t.Fatalf("Handle: got %v, want an error for the one transient failure", err)
	}
	for _, k := range []string{good1.key, good2.key} {
		if r := e.get(t, k); r.Status != records.StatusOK {
			t.Errorf("%s: got status %q, want ok", k, r.Status)
		}
	}
	if e.store.Len() != 2 {
		t.Fatalf("after the first delivery: got %d records, want 2", e.store.Len())
	}
	if err := e.handle(t, good1, malformed, gone, flaky, good2); err != nil {
		t.Fatalf("redelivery: got %v, want nil", err)
	}
	if e.store.Len() != 3 {
		t.Errorf("after redelivery: got %d records, want 3", e.store.Len())
	}
}

// escapeSegments percent-escapes every segment of key, a space as %20.
func escapeSegments(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	}
	return strings.Join(segs, "/")
}

func TestEncodedKeys(t *testing.T) {
	tests := []struct {
		name, stored, sent string
	}{
		{"as sent", key("my file+v2 100%.png"), key("my file+v2 100%.png")},
		{"percent-encoded", key("my file+v2 100%.png"), escapeSegments(key("my file+v2 100%.png"))},
		{"plus for space", key("my file.png"), strings.ReplaceAll(key("my file.png"), " ", "+")},
		{"literal plus", key("a+b.png"), key("a+b.png")},
		{"chinese encoded", keyOf("avatar", "alice", "照片 1.png"), escapeSegments(keyOf("avatar", "alice", "照片 1.png"))},
		{"slash encoded", key("x.png"), url.QueryEscape(key("x.png"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "")
			ev := e.upload(tt.stored, "image/png", pngBytes(t))
			ev.key = tt.sent
			if err := e.handle(t, ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			type keyStatus struct{ Key, Status string }
			r := e.get(t, tt.stored)
			if d := cmp.Diff(keyStatus{tt.stored, records.StatusOK}, keyStatus{r.Key, r.Status}); d != "" {
				t.Errorf("record (-want +got):\n%s", d)
			}
		})
	}
}

func TestNewHandlerNeedsOpen(t *testing.T) {
	if _, err := record.NewHandler(testConfig(t, ""), record.Options{}); err == nil {
		t.Error("NewHandler without Open: got nil error, want one")
	}
}
