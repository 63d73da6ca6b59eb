package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// appSecret signs the test app's webhooks.
const appSecret = "whsec_e2e_0123456789abcdef"

// The app's view of a webhook (docs/api.md#webhooks).
const (
	typeRecorded    = "upload.recorded"
	typeRejected    = "upload.rejected"
	typeQuarantined = "upload.quarantined"
	typeDeleted     = "upload.deleted"
)

type appEvent struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"createdAt"`
	Record    testutil.Record `json:"record"`
}

// verify checks an Ossgate-Signature as an app does: HMAC-SHA256 of
// "<t>.<body>", a time within five minutes.
func verify(secret, header string, body []byte) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		if k == "t" {
			ts = v
		} else if k == "v1" {
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(t, 0)).Abs() > 5*time.Minute {
		return errors.New("stale or missing timestamp")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(sig)) {
		return errors.New("bad signature")
	}
	return nil
}

// appReceiver is the app's webhook endpoint: it checks every delivery's
// signature (refusing a bad one with 401), answers 503 while down, and
// keeps what it accepted.
type appReceiver struct {
	down    atomic.Bool
	mu      sync.Mutex
	events  []appEvent
	forged  int // deliveries whose signature did not verify
	refused int // deliveries answered 503 while down
}

func (a *appReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down.Load() {
		a.refused++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if err := verify(appSecret, r.Header.Get("Ossgate-Signature"), body); err != nil {
		a.forged++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev appEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.events = append(a.events, ev)
	w.WriteHeader(http.StatusNoContent)
}

// changes returns the distinct changes received, "type key", sorted, and
// fails the test when one event id came with two different contents.
func (a *appReceiver) changes(t *testing.T) []string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	byID := map[string]appEvent{}
	for _, ev := range a.events {
		if prev, ok := byID[ev.ID]; ok && (prev.Type != ev.Type || prev.Record.ID != ev.Record.ID || !prev.CreatedAt.Equal(ev.CreatedAt)) {
			t.Errorf("event %s delivered as %s %s, then as %s %s", ev.ID, prev.Type, prev.Record.Key, ev.Type, ev.Record.Key)
		}
		byID[ev.ID] = ev
	}
	var out []string
	for _, ev := range byID {
		out = append(out, ev.Type+" "+ev.Record.Key)
	}
	sort.Strings(out)
	return out
}

// waitChanges waits until the receiver holds want, or d passes.
func (a *appReceiver) waitChanges(t *testing.T, want []string, d time.Duration) {
	t.Helper()
	sort.Strings(want)
	deadline := time.Now().Add(d)
	for {
		got := a.changes(t)
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("app webhook: got changes\n%v\nwant\n%v", got, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func webhookEnv(url string) []string {
	return []string{modProfiles("aliyun"), "OSSGATE_WEBHOOK_URL=http://" + url + "/hooks", "OSSGATE_WEBHOOK_SECRET=" + appSecret}
}

// deleteUpload deletes alice's upload of key through DELETE /uploads/{id}.
func deleteUpload(t *testing.T, st *stack.Stack, key string) {
	t.Helper()
	var v wire.UploadView
	if err := testutil.Call(recClient, st.SignURL, recToken("alice"), "DELETE", "/uploads/"+recordID(st.Bucket, key), nil, &v); err != nil {
		t.Fatalf("DELETE %s: %v", key, err)
	}
}

// TestAppWebhooks: a clean PNG, a PNG with the marker (Content Moderation's
// stand-in) and text declared as a PNG reach the app as exactly
// upload.recorded, upload.rejected and upload.quarantined, and the clean
// one's delete as upload.deleted, every delivery signed.
func TestAppWebhooks(t *testing.T) {
	app := &appReceiver{}
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: webhookEnv(serveLoopback(t, app))})
	clean := recUpload(t, st, "alice", "clean.png", "image/png", recPNG(1))
	risky := recUpload(t, st, "alice", "risky.png", "image/png", riskyPNG(2))
	text := recUpload(t, st, "alice", "fake.png", "image/png", []byte("plain text, not a picture\n"))
	drainRecords(t, st)
	deleteUpload(t, st, clean)
	app.waitChanges(t, []string{typeRecorded + " " + clean, typeRejected + " " + risky,
		typeQuarantined + " " + text, typeDeleted + " " + clean}, 10*time.Second)
	if app.forged != 0 {
		t.Errorf("%d deliveries with a bad signature", app.forged)
	}
}

// TestAppWebhooksReceiverDown: with the app's receiver down for longer
// than FC's retries, the events of the uploads (given up to the
// maintenance function as dead letters) and of a delete (kept by the sign
// function) reach it after it comes back, each with its one id.
func TestAppWebhooksReceiverDown(t *testing.T) {
	app := &appReceiver{}
	app.down.Store(true)
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: webhookEnv(serveLoopback(t, app)),
		RecordAsync: deployedAsync(t), RecordTimeout: 10 * time.Second, SweepEvery: 2 * time.Second})
	clean := recUpload(t, st, "alice", "clean.png", "image/png", recPNG(1))
	risky := recUpload(t, st, "alice", "risky.png", "image/png", riskyPNG(2))
	waitGivenUp(t, st, 2, 2*time.Minute)
	deleteUpload(t, st, clean)
	if n := len(app.changes(t)); n != 0 || app.refused == 0 {
		t.Fatalf("while down: %d changes accepted, %d refused; want none accepted", n, app.refused)
	}
	app.down.Store(false)
	back := time.Now()
	app.waitChanges(t, []string{typeRecorded + " " + clean, typeRejected + " " + risky,
		typeDeleted + " " + clean}, time.Minute)
	t.Logf("receiver down: %d deliveries refused; every event delivered %s after it came back",
		app.refused, time.Since(back).Round(100*time.Millisecond))
}
