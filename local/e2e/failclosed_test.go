package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// failClosedProfiles: a profile of 2 files a day per user whose tickets
// live 3 s.
const failClosedProfiles = `{"limited":{"types":["image/png"],"maxSize":100000,"expiry":"3s","quota":{"files":2,"per":"day"}}}`

// TestUnrecordedUploadFailsClosed makes two uploads whose events are lost
// (the record function answers without recording, as during an outage
// whose events are still waiting in the dead letters), and checks that
// until they are recorded nothing hands out a URL for them (GET /uploads
// lists nothing, GET /uploads/{id} is 404, the ticket's objectUrl does not
// read from the private bucket) and that they count against the quota: a
// third ticket is refused, before and after the two tickets expire. Once
// recorded (reconcile), they are listed and count as records.
func TestUnrecordedUploadFailsClosed(t *testing.T) {
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{JWTSecret: relSecret, Env: []string{"OSSGATE_PROFILES=" + failClosedProfiles},
		RecordEnv: []string{"OSSGATE_FUNCTION=empty"}, Output: out})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function output:\n%s", out)
		}
	})
	c := &http.Client{Timeout: 20 * time.Second}
	authz := relToken("fc-user")
	var keys []string
	for i := range 2 {
		data := pngFile(900 + i)
		tk, err := testutil.AskTicket(c, st.SignURL, authz, "limited", "p.png", "image/png", len(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := testutil.PostForm(c, tk, "image/png", data); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tk.Key)
		// The objectUrl does not read the object: the bucket is private.
		resp, err := c.Get(tk.ObjectURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("anonymous GET of the objectUrl %s: %d, want 403", tk.ObjectURL, resp.StatusCode)
		}
	}
	drainRecords(t, st)

	recs, err := testutil.ListUploads(c, st.SignURL, authz, 100)
	if err != nil || len(recs) != 0 {
		t.Errorf("GET /uploads before any record: %v, %v; want none", recs, err)
	}
	for _, k := range keys {
		var got map[string]any
		err := testutil.Call(c, st.SignURL, authz, http.MethodGet, "/uploads/"+recordID(st.Bucket, k), nil, &got)
		if err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("GET /uploads/{id} of an unrecorded upload: %v, %v; want 404", got, err)
		}
	}
	third := func(when string) {
		t.Helper()
		o := signRaw(t, st, authz, `{"profile":"limited","files":[{"name":"q.png","type":"image/png","size":100}]}`, func(testutil.Ticket) string { return "admitted" })
		if o.Status != http.StatusTooManyRequests || o.Code != "QuotaExceeded" {
			t.Errorf("a third ticket %s: %v, want 429 QuotaExceeded", when, o)
		}
	}
	third("while the two tickets are valid")
	time.Sleep(4 * time.Second)
	third("after the two tickets expired, their uploads still unrecorded")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := st.Sweep.Invoke(ctx, []byte(`{"mode":"reconcile"}`)); err != nil {
		t.Fatal(err)
	}
	if recs, err := testutil.ListUploads(c, st.SignURL, authz, 100); err != nil || len(recs) != 2 {
		t.Errorf("GET /uploads once recorded: %d records, %v; want 2", len(recs), err)
	}
	third("once recorded")
}

// recordID is records.ID: the first 32 hex digits of SHA-256(bucket "\n" key).
func recordID(bucket, key string) string {
	sum := sha256.Sum256([]byte(bucket + "\n" + key))
	return hex.EncodeToString(sum[:])[:32]
}
