package record_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
)

// fakeProvider rejects the objects whose key holds "risky", answers
// "later" for keys holding "later", and fails while err is set.
type fakeProvider struct {
	mu    sync.Mutex
	calls int
	err   error
}

func (f *fakeProvider) Check(_ context.Context, r records.Record, m config.Moderation) (moderation.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return moderation.Result{}, f.err
	}
	switch {
	case strings.Contains(r.Key, "later"):
		return moderation.Result{TraceID: "trace-" + r.ID}, nil
	case strings.Contains(r.Key, "risky"):
		return moderation.Result{Decided: true, Rejected: true, Labels: []records.Label{{Label: "porn", Confidence: 99}}, TraceID: "req-" + r.ID}, nil
	}
	return moderation.Result{Decided: true, TraceID: "req-" + r.ID}, nil
}

// modEnv is a handler whose "mod" profile moderates with a fake webhook
// provider (timeout 10m, then onTimeout); "avatar" does not moderate.
type modEnv struct {
	*env
	p   *fakeProvider
	cfg config.Config

	mu        sync.Mutex
	notified  []string // status of each notified record, by key: "key status"
	notifyErr error    // what Notify answers
}

func (e *modEnv) notify(_ context.Context, r records.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.notifyErr != nil {
		return e.notifyErr
	}
	e.notified = append(e.notified, r.Key+" "+r.Status)
	return nil
}

func newModEnv(t *testing.T, mode, onTimeout string) *modEnv {
	t.Helper()
	vars := map[string]string{
		config.VarBucket: bucket, config.VarRegion: "cn-hangzhou", config.VarQuarantineMode: mode,
		config.VarModerationWebhookURL: "http://127.0.0.1:9/moderate", config.VarWebhookSecret: "0123456789abcdef",
		config.VarProfiles: `{"avatar":{"types":["image/png"],"maxSize":1048576},
			"mod":{"types":["image/png"],"maxSize":1048576,"moderation":{"provider":"webhook","timeout":"10m","onTimeout":"` + onTimeout + `"}}}`,
	}
	cfg, err := config.Load(config.Record, func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	e := &modEnv{env: &env{objs: newFakeObjects(), store: memstore.New(), logs: nil, now: time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)},
		p: &fakeProvider{}, cfg: cfg}
	e.h, err = record.NewHandler(cfg, record.Options{
		Open:       func(context.Context) (record.Objects, records.Store, error) { return e.objs, e.store, nil },
		Now:        func() time.Time { return e.now },
		Moderators: map[string]moderation.Provider{config.ModerationWebhook: e.p},
		Notify:     e.notify,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *modEnv) uploadMod(t *testing.T, name string) evRec {
	t.Helper()
	k := keyOf("mod", "alice", name)
	e.objs.put(k, "image/png", "alice", "mod", pngBytes(t))
	e.objs.objs[k].info.LastModified = e.now.Add(-time.Second) // uploaded just now
	info, _ := e.objs.info(k)
	return evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: k, etag: strings.Trim(info.ETag, `"`)}
}

func TestModeratedUploads(t *testing.T) {
	for _, mode := range []string{"move", "tag"} {
		t.Run(mode, func(t *testing.T) {
			e := newModEnv(t, mode, config.OnTimeoutReject)
			clean, risky := e.uploadMod(t, "clean.png"), e.uploadMod(t, "risky.png")
			plain := e.upload(key("a.png"), "image/png", pngBytes(t))
			if err := e.handle(t, clean, risky, plain); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			got := e.get(t, clean.key)
			wantMod := &records.Moderation{Provider: "webhook", TraceID: "req-" + got.ID, DecidedAt: e.now, By: records.DecidedByProvider}
			if d := cmp.Diff(verdict{records.StatusOK, ""}, verdict{got.Status, got.Reason}); d != "" {
				t.Errorf("clean (-want +got):\n%s", d)
			}
			if d := cmp.Diff(wantMod, got.Moderation); d != "" {
				t.Errorf("clean's moderation (-want +got):\n%s", d)
			}
			got = e.get(t, risky.key)
			if d := cmp.Diff(verdict{records.StatusRejected, "moderation: porn"}, verdict{got.Status, got.Reason}); d != "" {
				t.Errorf("risky (-want +got):\n%s", d)
			}
			if got.Moderation == nil || len(got.Moderation.Labels) != 1 || got.Moderation.Labels[0].Confidence != 99 {
				t.Errorf("risky's moderation: %+v, want the provider's label", got.Moderation)
			}
			checkQuarantined(t, e.env, mode, risky.key, got)
			if got := e.get(t, plain.key); got.Status != records.StatusOK || got.Moderation != nil {
				t.Errorf("unmoderated profile: %s %+v, want ok without moderation", got.Status, got.Moderation)
			}
			if e.p.calls != 2 {
				t.Errorf("provider asked %d times, want 2", e.p.calls)
			}
			// The same events again: nothing is asked or changed.
			if err := e.handle(t, clean, risky); err != nil {
				t.Fatalf("Handle again: %v", err)
			}
			if e.p.calls != 2 {
				t.Errorf("provider asked %d times after duplicates, want 2", e.p.calls)
			}
		})
	}
}

// TestModerationFailureIsRetried: a provider failure leaves the record
// pending and fails the invocation; the redelivered event settles it.
func TestModerationFailureIsRetried(t *testing.T) {
	e := newModEnv(t, "move", config.OnTimeoutReject)
	ev := e.uploadMod(t, "risky.png")
	e.p.err = errors.New("provider away")
	if err := e.handle(t, ev); err == nil {
		t.Fatal("Handle with the provider away: got nil, want an error (so FC retries)")
	}
	if got := e.get(t, ev.key); got.Status != records.StatusPending {
		t.Fatalf("after a failed check: %s, want pending", got.Status)
	}
	e.p.err = nil
	if err := e.handle(t, ev); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := e.get(t, ev.key)
	if got.Status != records.StatusRejected {
		t.Fatalf("after the retry: %s, want rejected", got.Status)
	}
	checkQuarantined(t, e.env, "move", ev.key, got)
}

// TestOverdueVerdicts: a verdict that does not come within the profile's
// timeout is settled by its rule; a younger pending record is left alone.
func TestOverdueVerdicts(t *testing.T) {
	tests := []struct {
		onTimeout, want string
		stats           record.OverdueStats
	}{
		{config.OnTimeoutReject, records.StatusRejected, record.OverdueStats{Pending: 2, Rejected: 1}},
		{config.OnTimeoutAccept, records.StatusOK, record.OverdueStats{Pending: 2, Accepted: 1}},
		{config.OnTimeoutPending, records.StatusPending, record.OverdueStats{Pending: 2, Left: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.onTimeout, func(t *testing.T) {
			e := newModEnv(t, "move", tt.onTimeout)
			old := e.uploadMod(t, "old-later.png")
			if err := e.handle(t, old); err != nil {
				t.Fatal(err)
			}
			e.now = e.now.Add(9 * time.Minute)
			young := e.uploadMod(t, "young-later.png")
			if err := e.handle(t, young); err != nil {
				t.Fatal(err)
			}
			if got := e.get(t, old.key); got.Status != records.StatusPending || got.Moderation.TraceID != "" {
				t.Fatalf("undecided: %s %+v, want pending", got.Status, got.Moderation)
			}
			e.now = e.now.Add(2 * time.Minute) // old is 11m old, young 2m
			ctx := invocation.NewContext(context.Background(), invocation.Info{RequestID: "sweep"})
			st, err := e.h.ResolveOverdue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.stats, st); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
			got := e.get(t, old.key)
			if got.Status != tt.want {
				t.Errorf("overdue record: %s, want %s", got.Status, tt.want)
			}
			if tt.want != records.StatusPending && (got.Moderation.By != records.DecidedByTimeout || !got.Moderation.DecidedAt.Equal(e.now)) {
				t.Errorf("overdue record's moderation: %+v, want decided by timeout at %v", got.Moderation, e.now)
			}
			if tt.want == records.StatusRejected {
				checkQuarantined(t, e.env, "move", old.key, got)
			}
			if got := e.get(t, young.key); got.Status != records.StatusPending {
				t.Errorf("young record: %s, want still pending", got.Status)
			}
		})
	}
}

func TestNewHandlerNeedsItsModerators(t *testing.T) {
	vars := map[string]string{config.VarBucket: bucket, config.VarRegion: "cn-hangzhou", config.VarModeration: "aliyun"}
	cfg, err := config.Load(config.Record, func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	open := func(context.Context) (record.Objects, records.Store, error) { return nil, nil, nil }
	if _, err := record.NewHandler(cfg, record.Options{Open: open}); err == nil || !strings.Contains(err.Error(), "aliyun") {
		t.Errorf("NewHandler without the aliyun provider: got %v, want an error naming it", err)
	}
}

// TestNotify: the app is told of every final record, once per event
// delivery, the pending one not; a failed notification fails the event,
// and its redelivery tells the app, also once the object is quarantined
// (a duplicate).
func TestNotify(t *testing.T) {
	e := newModEnv(t, "move", config.OnTimeoutReject)
	clean, risky, later := e.uploadMod(t, "clean.png"), e.uploadMod(t, "risky.png"), e.uploadMod(t, "later.png")
	plain := e.upload(key("a.png"), "image/png", pngBytes(t))
	text := e.upload(key("t.png"), "image/png", textBytes())
	e.notifyErr = errors.New("receiver down")
	if err := e.handle(t, clean, risky, later, plain, text); err == nil {
		t.Fatal("Handle with the receiver down: got nil, want an error (so FC retries)")
	}
	e.notifyErr = nil
	if err := e.handle(t, clean, risky, later, plain, text); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	want := []string{clean.key + " ok", risky.key + " rejected", plain.key + " ok", text.key + " quarantined"}
	if d := cmp.Diff(want, e.notified); d != "" {
		t.Errorf("notified (-want +got):\n%s", d)
	}
}
