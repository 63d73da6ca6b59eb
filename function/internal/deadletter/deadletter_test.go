package deadletter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/deadletter"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

const bucket = "dl-test"

var emuCreds = creds.Credentials{AccessKeyID: "STS.fake-dl-test", AccessKeySecret: "fake-dl-secret", SecurityToken: "fake-dl-token"}

// fixture is a local OSS endpoint with the record function's handler, the
// keeper and the retrier wired to it as the maintenance function wires them.
type fixture struct {
	oss     *testutil.LocalOSS
	cfg     config.Config
	bucket  *oss.Bucket
	ctx     context.Context
	keeper  *deadletter.Keeper
	retrier *deadletter.Retrier
	store   deadletter.Store
	log     *testutil.SyncBuffer
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
	f := &fixture{oss: l, cfg: cfg, log: &testutil.SyncBuffer{}}
	f.ctx = invocation.NewContext(t.Context(), invocation.Info{RequestID: "req-dl", Credentials: emuCreds})
	opener := ossclient.FromConfig(cfg.OSS, nil)
	if f.bucket, err = opener.Bucket(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.store = deadletter.OSSStore{Objects: ossclient.Objects{Bucket: f.bucket}}
	logger := slog.New(slog.NewJSONHandler(f.log, nil))
	h, err := record.NewHandler(cfg, record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			b, err := opener.Bucket(ctx)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Objects: ossclient.Objects{Bucket: b}}, ossstore.New(b, cfg.Prefixes.Records), nil
		},
		Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.keeper = deadletter.NewKeeper(cfg.Prefixes, func(context.Context) (deadletter.Store, error) { return f.store, nil }, logger)
	f.retrier = deadletter.NewRetrier(cfg.Prefixes, h.Handle, logger)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", f.log)
		}
	})
	return f
}

// upload puts an object as a signed form leaves it and returns the OSS
// event that announces it.
func (f *fixture) upload(t *testing.T, name, ctype string, body []byte) (string, []byte) {
	t.Helper()
	key := upload.Layout{Prefixes: f.cfg.Prefixes}.UploadKey("image", "alice", time.Now(), name, ".png")
	var h http.Header
	err := f.bucket.PutObject(key, bytes.NewReader(body), oss.ContentType(ctype), oss.SetHeader(upload.MetaUploader, "alice"),
		oss.SetHeader(upload.MetaProfile, "image"), oss.GetResponseHeader(&h))
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := json.Marshal(map[string]any{"events": []any{map[string]any{
		"eventName": "ObjectCreated:PostObject", "eventTime": time.Now().UTC().Format(time.RFC3339), "region": "cn-hangzhou",
		"oss": map[string]any{"bucket": map[string]any{"name": bucket},
			"object": map[string]any{"key": key, "eTag": records.NormalizeETag(h.Get("ETag")), "size": len(body)}}}}})
	return key, ev
}

// letter is FC's destination payload for event, given up after retries.
func letter(id string, event []byte) []byte {
	b, _ := json.Marshal(map[string]any{
		"timestamp":       "2026-12-05T01:00:00.000Z",
		"requestContext":  map[string]any{"requestId": id, "functionArn": "acs:fc:cn-hangzhou:1:functions/ossgate-record", "condition": "HandledInvocationError", "approximateInvokeCount": 4},
		"requestPayload":  string(event),
		"responseContext": map[string]any{"statusCode": 200, "functionError": "HandledInvocationError"},
		"responsePayload": `{"errorMessage":"records: database down"}`,
	})
	return b
}

func (f *fixture) letters(t *testing.T) []string {
	t.Helper()
	var keys []string
	if err := f.store.List(f.ctx, deadletter.Prefix(f.cfg.Prefixes), func(p []string) bool { keys = append(keys, p...); return true }); err != nil {
		t.Fatal(err)
	}
	return keys
}

func (f *fixture) record(t *testing.T, key string) (records.Record, error) {
	t.Helper()
	return ossstore.New(f.bucket, f.cfg.Prefixes.Records).Get(f.ctx, "alice", records.ID(bucket, key))
}

// TestKeepThenRetry keeps three given-up events (a good image, an HTML file
// declared as an image, an upload deleted since), fails a first retry pass
// on an OSS outage of the uploads, and checks the second pass records the
// two that exist, quarantines the HTML one, closes the gone one, and
// leaves no letter.
func TestKeepThenRetry(t *testing.T) {
	f := newFixture(t)
	good, goodEv := f.upload(t, "good", "image/png", testutil.PNGFile("dl", 1))
	html, htmlEv := f.upload(t, "html", "image/png", []byte("<!doctype html><html><script>alert(1)</script></html>"))
	gone, goneEv := f.upload(t, "gone", "image/png", testutil.PNGFile("dl", 2))
	if err := f.bucket.DeleteObject(gone); err != nil {
		t.Fatal(err)
	}
	for i, ev := range [][]byte{goodEv, htmlEv, goneEv} {
		if !deadletter.IsLetter(letter("req-"+string(rune('a'+i)), ev)) {
			t.Fatal("IsLetter: a destination payload is not a letter")
		}
		if err := f.keeper.Keep(f.ctx, letter("req-"+string(rune('a'+i)), ev)); err != nil {
			t.Fatalf("Keep: %v", err)
		}
	}
	if err := f.keeper.Keep(f.ctx, letter("req-a", goodEv)); err != nil { // FC redelivers the letter
		t.Fatalf("Keep again: %v", err)
	}
	keys := f.letters(t)
	if len(keys) != 3 {
		t.Fatalf("kept %v, want 3 letters (a redelivered letter overwrites itself)", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "records/_deadletter/") || !strings.HasSuffix(k, ".json") {
			t.Errorf("letter key %q", k)
		}
	}

	// The first pass meets an outage of the two uploads' reads: both kept.
	f.oss.Faults.FailNext(http.MethodGet, "/"+bucket+"/"+good, 1)
	f.oss.Faults.FailNext(http.MethodGet, "/"+bucket+"/"+html, 1)
	s, err := f.retrier.Retry(f.ctx, f.store)
	if err != nil || s != (deadletter.Stats{Listed: 3, Closed: 1, Kept: 2}) {
		t.Fatalf("first pass: %+v, %v; want 3 listed, 1 closed (gone), 2 kept", s, err)
	}
	if _, err := f.record(t, good); err == nil {
		t.Fatal("recorded during the outage")
	}

	s, err = f.retrier.Retry(f.ctx, f.store)
	if err != nil || s != (deadletter.Stats{Listed: 2, Closed: 2}) {
		t.Fatalf("second pass: %+v, %v; want 2 listed, 2 closed", s, err)
	}
	if r, err := f.record(t, good); err != nil || r.Status != records.StatusOK {
		t.Errorf("good upload: %+v, %v; want an ok record", r, err)
	}
	if r, err := f.record(t, html); err != nil || r.Status != records.StatusQuarantined {
		t.Errorf("html upload: %+v, %v; want a quarantined record", r, err)
	}
	if _, err := f.record(t, gone); err == nil {
		t.Error("the gone upload has a record")
	}
	if keys := f.letters(t); len(keys) != 0 {
		t.Errorf("letters left: %v", keys)
	}
	if !strings.Contains(f.log.String(), `"status":"gone"`) {
		t.Error("the gone upload's closing is not logged with status gone")
	}
	// A third pass finds nothing to do.
	if s, err := f.retrier.Retry(f.ctx, f.store); err != nil || s != (deadletter.Stats{}) {
		t.Errorf("third pass: %+v, %v", s, err)
	}
}

func TestKeepNames(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		payload []byte
		want    string // the key's last segment, or "hash"
	}{
		{"request id", letter("1234-abcd", []byte(`{"events":[]}`)), "1234-abcd.json"},
		{"unsafe request id", letter("../x", []byte(`{"events":[]}`)), "hash"},
		{"not a destination payload", []byte(`{"something":"else"}`), "hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.letters(t)
			if err := f.keeper.Keep(f.ctx, tt.payload); err != nil {
				t.Fatal(err)
			}
			after := f.letters(t)
			if len(after) != len(before)+1 {
				t.Fatalf("letters %v after %v", after, before)
			}
			var added string
			for _, k := range after {
				if !strings.Contains(strings.Join(before, "\n"), k) {
					added = k
				}
			}
			last := added[strings.LastIndex(added, "/")+1:]
			if tt.want == "hash" {
				if len(last) != 32+len(".json") {
					t.Errorf("key %q: want a 32-digit hash name", added)
				}
			} else if last != tt.want {
				t.Errorf("key %q: want it to end in %q", added, tt.want)
			}
			b, err := f.store.Get(f.ctx, added)
			if err != nil || !bytes.Equal(b, tt.payload) {
				t.Errorf("kept %q, %v; want the payload unchanged", b, err)
			}
		})
	}
}

func TestKeepFails(t *testing.T) {
	f := newFixture(t)
	f.oss.Faults.FailNext(http.MethodPut, "/"+bucket+"/records/_deadletter/"+time.Now().UTC().Format("20060102")+"/req-x.json", 1)
	if err := f.keeper.Keep(f.ctx, letter("req-x", []byte(`{}`))); err == nil {
		t.Fatal("Keep: no error when OSS refused the write (FC would not retry it)")
	}
	if err := f.keeper.Keep(f.ctx, bytes.Repeat([]byte("x"), 2<<20)); err == nil {
		t.Fatal("Keep: no error for a 2 MiB payload")
	}
}

func TestIsLetter(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{`{"requestContext":{},"requestPayload":""}`, true},
		{`{"triggerTime":"2026-01-01T00:00:00Z","triggerName":"hourly","payload":""}`, false},
		{`{"events":[]}`, false},
		{`{}`, false},
		{`not json`, false},
	} {
		if got := deadletter.IsLetter([]byte(tt.in)); got != tt.want {
			t.Errorf("IsLetter(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
