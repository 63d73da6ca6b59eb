package record_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/upload"
)

const bucket = "testbucket"

// testConfig is the record configuration of the tests: the built-in
// prefixes, quarantine mode mode ("" = the default) and the profiles
// avatar (PNG or JPEG, 1 byte to 1 MiB), pics (every image type), docs
// (PDF), notes (text/plain and text/csv) and loose (PNG or PDF, polyglots
// allowed).
func testConfig(t testing.TB, mode string) config.Config {
	t.Helper()
	env := map[string]string{
		config.VarBucket: bucket, config.VarRegion: "cn-hangzhou", config.VarQuarantineMode: mode,
		config.VarProfiles: `{"avatar":{"types":["image/png","image/jpeg"],"maxSize":1048576},
			"pics":{"types":["image/png","image/jpeg","image/gif","image/webp","image/heic","image/avif"],"maxSize":1048576},
			"docs":{"types":["application/pdf"],"maxSize":1048576},
			"notes":{"types":["text/plain","text/csv"],"maxSize":1048576},
			"loose":{"types":["image/png","application/pdf"],"maxSize":1048576,"rejectPolyglots":false}}`,
	}
	c, err := config.Load(config.Record, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// layout names the test objects as the functions name them.
var layout = upload.Layout{Prefixes: config.Prefixes{Upload: "uploads", Records: "records", Quarantine: "quarantine"}}

// keyOf returns the key user's upload of name under profile gets: name's
// extension, the rest of it as the object id.
func keyOf(profile, user, name string) string {
	ext := path.Ext(name)
	return layout.UploadKey(profile, user, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), strings.TrimSuffix(name, ext), ext)
}

// key returns the key of alice's avatar upload of name.
func key(name string) string { return keyOf("avatar", "alice", name) }

// env is one handler over a fake bucket and a memory store.
// verdict is what a record says of its object.
type verdict struct{ Status, Reason string }

type env struct {
	objs  *fakeObjects
	store *memstore.Store
	h     *record.Handler
	logs  *bytes.Buffer
	now   time.Time // the handler's clock
}

func newEnv(t *testing.T, mode string) *env {
	t.Helper()
	e := &env{objs: newFakeObjects(), store: memstore.New(), logs: &bytes.Buffer{},
		now: time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)}
	h, err := record.NewHandler(testConfig(t, mode), record.Options{
		Open: func(context.Context) (record.Objects, records.Store, error) { return e.objs, e.store, nil },
		Now:  func() time.Time { return e.now },
		Logger: slog.New(slog.NewJSONHandler(io.MultiWriter(e.logs, testWriter{t}),
			&slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	e.h = h
	return e
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// upload stores an object and returns the event record announcing it.
func (e *env) upload(key, ctype string, body []byte) evRec {
	e.objs.put(key, ctype, "alice", "avatar", body)
	info, _ := e.objs.info(key)
	return evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: key, etag: strings.Trim(info.ETag, `"`)}
}

func (e *env) handle(t *testing.T, recs ...evRec) error {
	t.Helper()
	ctx := invocation.NewContext(context.Background(), invocation.Info{RequestID: "req-1"})
	return e.h.Handle(ctx, payload(t, recs...))
}

// get returns the stored record of key.
func (e *env) get(t *testing.T, key string) records.Record {
	t.Helper()
	info, _, err := e.objs.Read(context.Background(), key, "", 0)
	if err != nil {
		info, _, err = e.objs.Read(context.Background(), layout.QuarantineKey(key), "", 0)
	}
	if err != nil {
		t.Fatalf("no object %q: %v", key, err)
	}
	r, err := e.store.Get(context.Background(), info.Uploader, records.ID(bucket, key))
	if err != nil {
		t.Fatalf("no record of %q: %v", key, err)
	}
	return r
}

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

func service(status int, code string) error {
	return oss.ServiceError{StatusCode: status, Code: code}
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
