package reconcile_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/reconcile"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

const bucket = "reconcile-test"

var emuCreds = creds.Credentials{AccessKeyID: "STS.fake-rc-test", AccessKeySecret: "fake-rc-secret", SecurityToken: "fake-rc-token"}

// fixture is a local OSS endpoint, a record store and the reconciler wired
// to the record function's handler as the maintenance function wires it.
type fixture struct {
	oss    *testutil.LocalOSS
	cfg    config.Config
	layout upload.Layout
	bucket *oss.Bucket
	ctx    context.Context
	store  *memstore.Store
	rc     *reconcile.Reconciler
	log    *testutil.SyncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	l := testutil.StartLocalOSS(t, bucket, ossemu.Credential{AccessKeyID: emuCreds.AccessKeyID,
		AccessKeySecret: emuCreds.AccessKeySecret, SecurityToken: emuCreds.SecurityToken})
	env := map[string]string{config.VarBucket: bucket, config.VarRegion: "cn-hangzhou", config.VarInternalEndpoint: l.URL}
	cfg, err := config.Load(config.Sweep, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{oss: l, cfg: cfg, layout: upload.Layout{Prefixes: cfg.Prefixes}, store: memstore.New(), log: &testutil.SyncBuffer{}}
	f.ctx = invocation.NewContext(t.Context(), invocation.Info{RequestID: "req-rc", Credentials: emuCreds})
	opener := ossclient.FromConfig(cfg.OSS, nil)
	if f.bucket, err = opener.Bucket(f.ctx); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(f.log, nil))
	h, err := record.NewHandler(cfg, record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			b, err := opener.Bucket(ctx)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Objects: ossclient.Objects{Bucket: b}}, f.store, nil
		},
		Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.rc, err = reconcile.New(reconcile.Options{Layout: f.layout, Bucket: bucket, Record: h.Handle, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log (last 4 KB):\n%s", tail(f.log.String(), 4096))
		}
	})
	return f
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// put writes an upload of user as a signed form leaves it, and returns its
// key and the record the record function would have made of it.
func (f *fixture) put(t *testing.T, user string, i int, body []byte, day time.Time) (string, records.Record) {
	t.Helper()
	key := f.layout.UploadKey("image", user, day, fmt.Sprintf("obj%05d", i), ".png")
	var h http.Header
	err := f.bucket.PutObject(key, bytes.NewReader(body), oss.ContentType("image/png"), oss.SetHeader(upload.MetaUploader, user),
		oss.SetHeader(upload.MetaProfile, "image"), oss.GetResponseHeader(&h))
	if err != nil {
		t.Fatal(err)
	}
	return key, records.Record{ID: records.ID(bucket, key), Bucket: bucket, Key: key, ETag: records.NormalizeETag(h.Get("ETag")),
		Size: int64(len(body)), ContentType: "image/png", DetectedType: "image/png", Uploader: user, Profile: "image",
		Status: records.StatusOK, Event: "ObjectCreated:PostObject", UploadedAt: day, RecordedAt: day}
}

// count returns how many records each user has, and the IDs.
func (f *fixture) ids(t *testing.T, users []string) map[string]records.Record {
	t.Helper()
	out := map[string]records.Record{}
	for _, u := range users {
		q := records.Query{Limit: 1000}
		for {
			p, err := f.store.List(f.ctx, u, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				out[r.ID] = r
			}
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
		}
	}
	return out
}

// TestReconcileTenThousand writes 10,000 uploads of 10 users, 100 of them
// without a record, and wants a run to record exactly those 100 (through
// the record function's checks), in 10 list requests plus one ranged GET
// per record made, and a second run to record nothing.
func TestReconcileTenThousand(t *testing.T) {
	const n, unrecorded, nUsers = 10000, 100, 10
	f := newFixture(t)
	users := make([]string, nUsers)
	for u := range users {
		users[u] = fmt.Sprintf("user-%d", u)
	}
	body := testutil.PNGFile("reconcile", 0)
	day := time.Now().UTC().Truncate(time.Second)
	keys := make([]string, n)
	missing := map[string]bool{}
	err := testutil.Parallel(n, 16, func(i int) error {
		k, rec := f.put(t, users[i%nUsers], i, body, day)
		keys[i] = k
		if i%(n/unrecorded) == 7 {
			return nil // no record: its event was lost
		}
		return f.store.Put(f.ctx, rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if i%(n/unrecorded) == 7 {
			missing[records.ID(bucket, k)] = true
		}
	}
	before := f.ids(t, users)
	if len(before) != n-unrecorded || len(missing) != unrecorded {
		t.Fatalf("fixture: %d records, %d missing", len(before), len(missing))
	}

	req0 := f.oss.Server.Requests()
	s, err := f.rc.Run(f.ctx, reconcile.OSSObjects{Objects: ossclient.Objects{Bucket: f.bucket}}, f.store, reconcile.Request{})
	reqs := f.oss.Server.Requests().Sub(req0)
	reqs0 := reqs
	if err != nil {
		t.Fatal(err)
	}
	want := reconcile.Stats{Listed: n, Checked: n, Missing: unrecorded, Lists: n / 1000, Users: nUsers}
	first := s
	if s != want {
		t.Errorf("first run: %+v, want %+v", s, want)
	}
	if got, want := reqs.Total(), int64(n/1000+unrecorded); got != want || reqs["ListObjects"] != n/1000 {
		t.Errorf("OSS requests %d (%s), want %d: %d lists and one GET per record made", got, reqs, want, n/1000)
	}
	after := f.ids(t, users)
	if len(after) != n {
		t.Fatalf("%d records after the run, want %d", len(after), n)
	}
	for id, r := range after {
		b, was := before[id]
		switch {
		case missing[id] && (r.Event != reconcile.EventName || r.Status != records.StatusOK || r.DetectedType != "image/png"):
			t.Errorf("reconciled record %+v: want an ok record from event %s", r, reconcile.EventName)
		case !missing[id] && (!was || b.RecordedAt != r.RecordedAt || r.Event != "ObjectCreated:PostObject"):
			t.Errorf("record %s changed: %+v, was %+v", id, r, b)
		}
	}

	req0 = f.oss.Server.Requests()
	s, err = f.rc.Run(f.ctx, reconcile.OSSObjects{Objects: ossclient.Objects{Bucket: f.bucket}}, f.store, reconcile.Request{})
	reqs = f.oss.Server.Requests().Sub(req0)
	want.Missing = 0
	if err != nil || s != want {
		t.Errorf("second run: %+v, %v; want %+v", s, err, want)
	}
	if reqs.Total() != n/1000 {
		t.Errorf("second run: OSS requests %s, want the %d lists only", reqs, n/1000)
	}
	if len(f.ids(t, users)) != n {
		t.Error("the second run changed the number of records")
	}
	t.Logf("10,000 uploads, 100 without a record: first run %+v, OSS requests %s; second run %+v", first, reqs0, s)
}

// TestReconcileChecks checks that From skips objects modified before it,
// that reconcile's records go through the record function's checks (an
// HTML page declared as a PNG is quarantined), and that a key whose user
// segment is hashed goes to the handler, which records it when it has no
// record and leaves an existing record as it is.
func TestReconcileChecks(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC().Truncate(time.Second)
	html, _ := f.put(t, "alice", 1, []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), now)
	hashed, hashedRec := f.put(t, "用户 1", 2, testutil.PNGFile("rc", 2), now)
	if err := f.store.Put(f.ctx, hashedRec); err != nil {
		t.Fatal(err)
	}
	hashedNew, _ := f.put(t, "用户 2", 3, testutil.PNGFile("rc", 3), now)
	objs := reconcile.OSSObjects{Objects: ossclient.Objects{Bucket: f.bucket}}

	s, err := f.rc.Run(f.ctx, objs, f.store, reconcile.Request{From: now.Add(time.Hour)})
	if want := (reconcile.Stats{Listed: 3, Lists: 1}); err != nil || s != want {
		t.Errorf("run from an hour ahead: %+v, %v; want %+v", s, err, want)
	}
	if _, err := f.store.Get(f.ctx, "alice", records.ID(bucket, html)); err == nil {
		t.Error("an object modified before From was recorded")
	}

	s, err = f.rc.Run(f.ctx, objs, f.store, reconcile.Request{From: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if want := (reconcile.Stats{Listed: 3, Checked: 3, Missing: 3, Lists: 1, Users: 1}); s != want {
		t.Errorf("run: %+v, want %+v (the two hashed-user keys go to the handler)", s, want)
	}
	get := func(user, key string) records.Record {
		r, err := f.store.Get(f.ctx, user, records.ID(bucket, key))
		if err != nil {
			t.Fatalf("record of %s: %v", key, err)
		}
		return r
	}
	if r := get("alice", html); r.Status != records.StatusQuarantined || r.Event != reconcile.EventName {
		t.Errorf("HTML as PNG: %+v, want quarantined by reconcile", r)
	}
	if r := get("用户 1", hashed); r.Event != "ObjectCreated:PostObject" {
		t.Errorf("an existing record was replaced: %+v", r)
	}
	if r := get("用户 2", hashedNew); r.Event != reconcile.EventName || r.Status != records.StatusOK {
		t.Errorf("hashed-user upload: %+v, want recorded ok by reconcile", r)
	}
	// Moved to quarantine, the HTML page is no longer listed.
	s, err = f.rc.Run(f.ctx, objs, f.store, reconcile.Request{})
	if want := (reconcile.Stats{Listed: 2, Checked: 2, Missing: 2, Lists: 1}); err != nil || s != want {
		t.Errorf("second run: %+v, %v; want %+v", s, err, want)
	}
}

// TestReconcileStopsAndContinues checks that a run stopped by its deadline
// says where to continue, and that continuing covers the rest.
func TestReconcileStopsAndContinues(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC()
	for i := range 5 {
		f.put(t, "carol", i, testutil.PNGFile("rc", 10+i), now)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	s, _ := f.rc.Run(ctx, reconcile.OSSObjects{Objects: ossclient.Objects{Bucket: f.bucket}}, f.store, reconcile.Request{})
	if !s.Stopped || s.Missing != 0 {
		t.Fatalf("a run past its deadline: %+v, want stopped before anything", s)
	}
	s, err := f.rc.Run(f.ctx, reconcile.OSSObjects{Objects: ossclient.Objects{Bucket: f.bucket}}, f.store, reconcile.Request{StartAfter: f.layout.UploadKey("image", "carol", now, "obj00001", ".png")})
	if want := (reconcile.Stats{Listed: 3, Checked: 3, Missing: 3, Lists: 1, Users: 1}); err != nil || s != want {
		t.Errorf("continued after the second object: %+v, %v; want %+v", s, err, want)
	}
}

func TestParseRequest(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    reconcile.Request
		ok, err bool
	}{
		{`{"mode":"reconcile"}`, reconcile.Request{}, true, false},
		{`{"mode":"reconcile","from":"2026-12-01","startAfter":"uploads/a"}`, reconcile.Request{From: day, StartAfter: "uploads/a"}, true, false},
		{`{"mode":"reconcile","from":"2026-12-01T00:00:00Z"}`, reconcile.Request{From: day}, true, false},
		{`{"triggerTime":"x","triggerName":"audit","payload":"{\"mode\":\"reconcile\",\"from\":\"2026-12-01\"}"}`, reconcile.Request{From: day}, true, false},
		{`{"mode":"reconcile","from":"yesterday"}`, reconcile.Request{}, true, true},
		{`{"triggerTime":"x","triggerName":"hourly","payload":""}`, reconcile.Request{}, false, false},
		{`{"mode":"other"}`, reconcile.Request{}, false, false},
		{`not json`, reconcile.Request{}, false, false},
	}
	for _, tt := range tests {
		got, ok, err := reconcile.ParseRequest([]byte(tt.in))
		if ok != tt.ok || (err != nil) != tt.err || (!tt.err && !got.From.Equal(tt.want.From)) || got.StartAfter != tt.want.StartAfter {
			t.Errorf("ParseRequest(%s) = %+v, %v, %v; want %+v, %v, error %v", tt.in, got, ok, err, tt.want, tt.ok, tt.err)
		}
	}
}
