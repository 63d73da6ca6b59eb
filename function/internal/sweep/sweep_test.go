package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

var testCfg = config.Config{Prefixes: config.Prefixes{Upload: "uploads"}, SweepAge: time.Hour}

// fakeUploads lists pages of uploads and answers aborts from abortErr.
type fakeUploads struct {
	pages    [][]ossclient.Pending
	abortErr map[string]error
	aborted  []string
	prefix   string
}

func (f *fakeUploads) Pending(prefix string, visit func([]ossclient.Pending) bool) error {
	f.prefix = prefix
	for _, p := range f.pages {
		if !visit(p) {
			break
		}
	}
	return nil
}

func (f *fakeUploads) Abort(key, _ string) error {
	f.aborted = append(f.aborted, key)
	return f.abortErr[key]
}

func TestSweepAbortsOnlyOldUploads(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	old, young := now.Add(-time.Hour-time.Second), now.Add(-time.Hour+time.Second)
	f := &fakeUploads{
		pages: [][]ossclient.Pending{
			{{Key: "uploads/a", Initiated: old}, {Key: "uploads/b", Initiated: young}},
			{{Key: "uploads/c", Initiated: old}, {Key: "uploads/d", Initiated: old}, {Key: "uploads/e", Initiated: old}},
		},
		abortErr: map[string]error{"uploads/c": ossclient.ErrNoSuchUpload, "uploads/d": errors.New("503")},
	}
	var logs bytes.Buffer
	h, err := New(testCfg, Options{Open: func(context.Context) (Uploads, error) { return f, nil }, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	err = h.Handle(context.Background(), json.RawMessage(`{"triggerTime":"2026-11-25T12:00:00Z","triggerName":"hourly","payload":""}`))
	if err == nil || !strings.Contains(err.Error(), "1 of 4 aborts failed") {
		t.Errorf("Handle: got %v, want the failed abort reported", err)
	}
	if f.prefix != "uploads/" || !cmp.Equal(f.aborted, []string{"uploads/a", "uploads/c", "uploads/d", "uploads/e"}) {
		t.Errorf("listed %q, aborted %v", f.prefix, f.aborted)
	}
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(l, `"sweep: done"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	want := map[string]any{"listed": 5.0, "aborted": 2.0, "gone": 1.0, "failed": 1.0, "stopped": false, "trigger": "hourly"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s: got %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if !strings.Contains(logs.String(), `"sweep: abort failed"`) {
		t.Error("no log line for the failed abort")
	}
}

func TestSweepStopsBeforeTheDeadline(t *testing.T) {
	f := &fakeUploads{pages: [][]ossclient.Pending{{{Key: "uploads/a"}}}}
	h, _ := New(testCfg, Options{Open: func(context.Context) (Uploads, error) { return f, nil }})
	ctx, cancel := context.WithTimeout(context.Background(), deadlineMargin/2)
	defer cancel()
	if err := h.Handle(ctx, nil); err != nil || len(f.aborted) != 0 {
		t.Errorf("near the deadline: err %v, aborted %v; want no abort started, no error", err, f.aborted)
	}
	h, _ = New(testCfg, Options{Open: func(context.Context) (Uploads, error) { return nil, creds.ErrNone }})
	if err := h.Handle(context.Background(), nil); !errors.Is(err, creds.ErrNone) {
		t.Errorf("no credentials: got %v", err)
	}
}

// TestSweepOnLocalOSS: with the real SDK calls on the local OSS, an upload
// older than the age is aborted; a younger one, one outside the upload
// prefix and a completed object stay.
func TestSweepOnLocalOSS(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "STS.sweep", AccessKeySecret: "sweep-secret", SecurityToken: "sweep-token"}
	l := testutil.StartLocalOSS(t, "sweep-bucket", ossemu.Credential{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken})
	ctx := invocation.NewContext(context.Background(), invocation.Info{Credentials: c})
	opener := ossclient.FromConfig(config.OSS{Bucket: "sweep-bucket", Region: "cn-hangzhou", InternalEndpoint: l.URL}, nil)
	b, err := opener.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mp := ossclient.Multipart{Bucket: b}
	start := func(key string) string {
		id, err := mp.Initiate(key, ossclient.Initiation{ContentType: "video/mp4"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	oldID := start("uploads/v/u/2026/11/25/old.mp4")
	outside := start("elsewhere/old.mp4")
	if err := b.PutObject("uploads/v/u/2026/11/25/done.mp4", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	youngID := start("uploads/v/u/2026/11/25/young.mp4")
	h, err := New(config.Config{Prefixes: config.Prefixes{Upload: "uploads"}, SweepAge: time.Second}, Options{
		Open: func(ctx context.Context) (Uploads, error) {
			b, err := opener.Bucket(ctx)
			return ossclient.Multipart{Bucket: b}, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(ctx, json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := mp.ListParts("uploads/v/u/2026/11/25/old.mp4", oldID); !errors.Is(err, ossclient.ErrNoSuchUpload) {
		t.Errorf("old upload: got %v, want it aborted", err)
	}
	for key, id := range map[string]string{"uploads/v/u/2026/11/25/young.mp4": youngID, "elsewhere/old.mp4": outside} {
		if _, err := mp.ListParts(key, id); err != nil {
			t.Errorf("%s: got %v, want it kept", key, err)
		}
	}
	if ok, err := b.IsObjectExist("uploads/v/u/2026/11/25/done.mp4"); !ok || err != nil {
		t.Errorf("a completed object: exists %v, %v", ok, err)
	}
}
