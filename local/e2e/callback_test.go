package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

const cbSecret = "callback-e2e-secret-not-real-0123456789abcdef"

func cbToken(user string) string { return testutil.Token(cbSecret, user, 10*time.Minute) }

// TestCallbackAnswersTheRecord: with the callback on, a form upload made
// with a ticket is answered, in the same HTTP response, with its checked
// record (ok for a clean PNG, quarantined for HTML declared as PNG), and the
// OSS event of the same upload leaves it one record, which GET /uploads
// lists once.
func TestCallbackAnswersTheRecord(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: cbSecret, Callback: true})
	c := &http.Client{Timeout: 20 * time.Second}
	authz := cbToken("cb-alice")
	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	tests := []struct {
		name, status string
		data         []byte
	}{
		{"clean png", "ok", testutil.PNGFile("cb", 1)},
		{"html as png", "quarantined", html},
	}
	keys := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := testutil.AskTicket(c, st.SignURL, authz, "avatar", "a.png", "image/png", len(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if tk.Fields["callback"] == "" {
				t.Fatal("the ticket carries no callback")
			}
			status, body, err := testutil.PostFormAnswer(c, tk, "image/png", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var a struct{ Record testutil.Record }
			if status != 200 || json.Unmarshal(body, &a) != nil {
				t.Fatalf("upload answer: got %d %s, want 200 with the record", status, body)
			}
			if a.Record.Key != tk.Key || a.Record.Status != tt.status || a.Record.Size != int64(len(tt.data)) || a.Record.ID == "" {
				t.Errorf("record in the answer: got %+v, want key %s, status %s, size %d", a.Record, tk.Key, tt.status, len(tt.data))
			}
			keys[tk.Key] = true
		})
	}
	drainRecords(t, st) // the events of both uploads reach the record function too
	recs, err := testutil.ListUploads(c, st.SignURL, authz, 50)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range recs {
		seen[r.Key]++
	}
	for k := range keys {
		if seen[k] != 1 {
			t.Errorf("GET /uploads lists %s %d times, want once", k, seen[k])
		}
	}
}

// TestCallbackChangedOrDroppedGainsNothing: a client that edits the
// ticket's callback (to point it elsewhere) or drops it is refused by the
// policy that pins it; and an upload whose callback fails (the sign
// function's callback URL does not answer) is stored all the same, answered
// 203 CallbackFailed, and recorded once by its event.
func TestCallbackChangedOrDroppedGainsNothing(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: cbSecret, Callback: true})
	c := &http.Client{Timeout: 20 * time.Second}
	authz := cbToken("cb-bob")
	data := testutil.PNGFile("cb", 2)
	for _, tt := range []struct {
		name   string
		change map[string]string
	}{
		{"callback dropped", map[string]string{"callback": ""}},
		{"callback changed", map[string]string{"callback": "eyJjYWxsYmFja1VybCI6Imh0dHA6Ly8xMjcuMC4wLjE6MS9jYiJ9"}},
		{"variable changed", map[string]string{"x:uploader": "mallory"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := testutil.AskTicket(c, st.SignURL, authz, "avatar", "a.png", "image/png", len(data))
			if err != nil {
				t.Fatal(err)
			}
			ctype, body := form(tk, tt.change, data, false)
			if got := postRaw(t, tk.URL, ctype, body); got.Status != http.StatusForbidden {
				t.Errorf("got %v, want 403 (the policy pins the callback)", got)
			}
		})
	}
}

// TestCallbackFailureFallsBackToTheEvent: the sign function's callback URL
// answers nothing (a closed port), so OSS answers the upload 203
// CallbackFailed; the object is stored and its event records it, once.
func TestCallbackFailureFallsBackToTheEvent(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: cbSecret, Callback: true, SignEnv: []string{"OSSGATE_CALLBACK_URL=http://127.0.0.1:1"}})
	c := &http.Client{Timeout: 20 * time.Second}
	authz := cbToken("cb-carol")
	data := testutil.PNGFile("cb", 3)
	tk, err := testutil.AskTicket(c, st.SignURL, authz, "avatar", "a.png", "image/png", len(data))
	if err != nil {
		t.Fatal(err)
	}
	status, body, err := testutil.PostFormAnswer(c, tk, "image/png", data)
	if err != nil {
		t.Fatal(err)
	}
	if status != 203 || !strings.Contains(string(body), "<Code>CallbackFailed</Code>") {
		t.Fatalf("upload answer: got %d %s, want 203 CallbackFailed", status, body)
	}
	drainRecords(t, st)
	recs, err := testutil.ListUploads(c, st.SignURL, authz, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Key != tk.Key || recs[0].Status != "ok" {
		t.Errorf("records: got %+v, want one ok record of %s", recs, tk.Key)
	}
}
