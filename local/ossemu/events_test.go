package ossemu

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder collects the events delivered to one trigger.
type recorder struct {
	mu     sync.Mutex
	events [][]byte
}

func (r *recorder) Deliver(_ context.Context, event []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
	return nil
}

func (r *recorder) all() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events
}

// TestEvents checks which triggers fire for which uploads and the shape of
// the event against testdata/event_postobject.golden.json.
func TestEvents(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	f := newFixture(t, now, nil)
	f.clock.Set(time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)) // for the golden eventTime; SDK calls below re-set it
	var png, all, copies recorder
	f.srv.AddTrigger(testBucket, Trigger{Prefix: "uploads/", Suffix: ".png", Events: []string{"oss:ObjectCreated:PostObject", "oss:ObjectCreated:PutObject"}, Deliver: png.Deliver})
	f.srv.AddTrigger(testBucket, Trigger{Prefix: "records/", Events: []string{"ObjectCreated:*"}, Deliver: all.Deliver})
	f.srv.AddTrigger(testBucket, Trigger{Prefix: "uploads/", Events: []string{"ObjectCreated:CopyObject"}, Deliver: copies.Deliver})
	f.srv.AddTrigger("other-bucket", Trigger{Events: []string{"ObjectCreated:*"}, Deliver: all.Deliver})

	form := stsForm("uploads/p/u1/a b.png", f.clock.Now(), [2]string{"Content-Type", "image/png"}, [2]string{"x-oss-meta-uploader", "u1"})
	body, ct := multipartBody(t, form.fields(t), fileOf(pngData))
	resp, rb := f.post(t, body, ct)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("post: got %d %s, want 204", resp.StatusCode, rb)
	}
	bad := replace(form.fields(t), "x-oss-signature", func(v string) string { return strings.Repeat("0", len(v)) })
	body, ct = multipartBody(t, bad, fileOf(pngData))
	if resp, _ := f.post(t, body, ct); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("bad post: got %d, want 403", resp.StatusCode)
	}
	requestID := resp.Header.Get("x-oss-request-id")

	f.clock.Set(time.Now())
	b := sdkBucket(t, f, testAK, testSecret, "")
	for _, k := range []string{"uploads/x.txt", "uploads/y.png", "records/r.json"} {
		if err := b.PutObject(k, strings.NewReader("x")); err != nil {
			t.Fatalf("PutObject %s: %v", k, err)
		}
	}
	if _, err := b.CopyObject("uploads/x.txt", "uploads/z.txt"); err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	f.srv.Close() // waits for the deliveries
	if n := f.srv.PendingDeliveries(); n != 0 {
		t.Errorf("PendingDeliveries after Close: got %d, want 0", n)
	}

	names := func(r *recorder) []string {
		var out []string
		for _, e := range r.all() {
			var ev Event
			if err := json.Unmarshal(e, &ev); err != nil || len(ev.Events) != 1 {
				t.Fatalf("event %s: %v", e, err)
			}
			out = append(out, ev.Events[0].EventName+" "+ev.Events[0].OSS.Object.Key)
		}
		return out
	}
	got := map[string][]string{"png": names(&png), "all": names(&all), "copies": names(&copies)}
	want := map[string][]string{
		"png":    {"ObjectCreated:PostObject uploads/p/u1/a b.png", "ObjectCreated:PutObject uploads/y.png"},
		"all":    {"ObjectCreated:PutObject records/r.json"},
		"copies": {"ObjectCreated:CopyObject uploads/z.txt"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	checkGolden(t, png.all()[0], requestID)
}

// checkGolden compares an event with the golden file, request id
// substituted; OSSEMU_UPDATE_GOLDEN=1 rewrites the file.
func checkGolden(t *testing.T, event []byte, requestID string) {
	t.Helper()
	path := filepath.Join("testdata", "event_postobject.golden.json")
	var got any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(event), requestID, "REQUEST-ID")), &got); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("OSSEMU_UPDATE_GOLDEN") == "1" {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-golden +got):\n%s", diff)
	}
}

// TestPendingDeliveries checks that a delivery is counted from before the
// upload is answered until Deliver returns.
func TestPendingDeliveries(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	release := make(chan struct{})
	f.srv.AddTrigger(testBucket, Trigger{Events: []string{"ObjectCreated:PutObject"}, Deliver: func(ctx context.Context, _ []byte) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}})
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("a.txt", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if n := f.srv.PendingDeliveries(); n != 1 {
		t.Errorf("while Deliver blocks: got %d pending, want 1", n)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.PendingDeliveries() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := f.srv.PendingDeliveries(); n != 0 {
		t.Errorf("after Deliver returned: got %d pending, want 0", n)
	}
}
