package record_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

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

// service is an OSS error answer.
func service(status int, code string) error {
	return oss.ServiceError{StatusCode: status, Code: code}
}
