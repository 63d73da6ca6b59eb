package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/webhook"
)

// vector is testdata/webhook/signature.json: a signature computed with
// openssl, which the docs' Go and Node.js snippets are tested against too.
type vector struct {
	Secret string `json:"secret"`
	Now    int64  `json:"now"`
	Body   string `json:"body"`
	Header string `json:"header"`
}

func loadVector(t *testing.T) vector {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/webhook/signature.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignKnownAnswer(t *testing.T) {
	v := loadVector(t)
	if got := webhook.Sign([]byte(v.Secret), time.Unix(1764900000, 0), []byte(v.Body)); got != v.Header {
		t.Errorf("Sign: got %s, want %s", got, v.Header)
	}
}

func TestVerify(t *testing.T) {
	v := loadVector(t)
	now := time.Unix(v.Now, 0)
	tests := []struct {
		name, secret, header, body string
		now                        time.Time
		want                       error
	}{
		{"valid", v.Secret, v.Header, v.Body, now, nil},
		{"second signature valid", v.Secret, "t=1764900000,v1=00," + v.Header[len("t=1764900000,"):], v.Body, now, nil},
		{"tampered body", v.Secret, v.Header, v.Body + " ", now, webhook.ErrNoSignature},
		{"other secret", "whsec_other", v.Header, v.Body, now, webhook.ErrNoSignature},
		{"too old", v.Secret, v.Header, v.Body, now.Add(10 * time.Minute), webhook.ErrStale},
		{"from the future", v.Secret, v.Header, v.Body, now.Add(-10 * time.Minute), webhook.ErrStale},
		{"no time", v.Secret, "v1=abc", v.Body, now, webhook.ErrMalformedSig},
		{"no signature", v.Secret, "t=1764900000", v.Body, now, webhook.ErrMalformedSig},
		{"garbage", v.Secret, "garbage", v.Body, now, webhook.ErrMalformedSig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify([]byte(tt.secret), tt.header, []byte(tt.body), tt.now, 5*time.Minute)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("Verify: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEventOf(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	decided := at.Add(time.Minute)
	base := records.Record{ID: "r1", RecordedAt: at}
	with := func(status string, m *records.Moderation) records.Record {
		r := base
		r.Status, r.Moderation = status, m
		if status == records.StatusDeleted {
			r.DeletedAt = at.Add(time.Hour)
		}
		return r
	}
	tests := []struct {
		r       records.Record
		typ     string
		at      time.Time
		deliver bool
	}{
		{with(records.StatusOK, nil), webhook.TypeRecorded, at, true},
		{with(records.StatusOK, &records.Moderation{DecidedAt: decided}), webhook.TypeRecorded, decided, true},
		{with(records.StatusRejected, &records.Moderation{DecidedAt: decided}), webhook.TypeRejected, decided, true},
		{with(records.StatusQuarantined, nil), webhook.TypeQuarantined, at, true},
		{with(records.StatusDeleted, nil), webhook.TypeDeleted, at.Add(time.Hour), true},
		{with(records.StatusPending, &records.Moderation{}), "", time.Time{}, false},
	}
	ids := map[string]string{} // id → type
	for _, tt := range tests {
		ev, ok := webhook.Of(tt.r)
		if ok != tt.deliver || ev.Type != tt.typ || !ev.CreatedAt.Equal(tt.at) {
			t.Errorf("Of(%s): %s at %v (%v), want %s at %v (%v)", tt.r.Status, ev.Type, ev.CreatedAt, ok, tt.typ, tt.at, tt.deliver)
		}
		if again, _ := webhook.Of(tt.r); again.ID != ev.ID {
			t.Errorf("Of(%s): id %s then %s, want a stable id", tt.r.Status, ev.ID, again.ID)
		}
		if typ, seen := ids[ev.ID]; ok && seen && typ != ev.Type {
			t.Errorf("Of(%s): id %s is %s's too", tt.r.Status, ev.ID, typ)
		}
		ids[ev.ID] = ev.Type
	}
}

// TestSenderSigns: a delivery reaches the receiver signed (verified as the
// docs show), and any answer but 2xx is an error.
func TestSenderSigns(t *testing.T) {
	secret := []byte("whsec_0123456789")
	status := http.StatusNoContent
	var got []webhook.Event
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.Header), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		_ = json.Unmarshal(body, &ev)
		got = append(got, ev)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	s, err := webhook.NewSender(srv.URL, secret, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := webhook.Of(records.Record{ID: "r1", Status: records.StatusOK})
	if err := s.Deliver(context.Background(), ev); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if len(got) != 1 || got[0].ID != ev.ID {
		t.Errorf("received %+v, want %s once", got, ev.ID)
	}
	status = http.StatusInternalServerError
	if err := s.Deliver(context.Background(), ev); err == nil {
		t.Error("Deliver to a receiver answering 500: got nil, want an error")
	}
	wrong, _ := webhook.NewSender(srv.URL, []byte("other"), nil, nil)
	if err := wrong.Deliver(context.Background(), ev); err == nil {
		t.Error("Deliver signed with another secret: got nil, want the receiver's 401")
	}
}

// TestOfOutcome: a deleted record's outcome event is the one it was
// delivered with before the delete, id, time and record status included.
func TestOfOutcome(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	decided := &records.Moderation{Provider: "aliyun", DecidedAt: at.Add(time.Minute), By: records.DecidedByProvider}
	tests := []struct {
		name string
		r    records.Record
	}{
		{"ok", records.Record{ID: "a", Status: records.StatusOK, RecordedAt: at}},
		{"moderated ok", records.Record{ID: "b", Status: records.StatusOK, RecordedAt: at, Moderation: decided}},
		{"rejected", records.Record{ID: "c", Status: records.StatusRejected, Reason: "moderation: porn", RecordedAt: at, Moderation: decided}},
		{"quarantined", records.Record{ID: "d", Status: records.StatusQuarantined, Reason: "declared image/png, content is text/plain", RecordedAt: at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, ok := webhook.OfOutcome(tt.r)
			deleted := tt.r
			deleted.Status, deleted.DeletedAt = records.StatusDeleted, at.Add(time.Hour)
			after, ok2 := webhook.OfOutcome(deleted)
			if !ok || !ok2 || before.ID != after.ID || before.Type != after.Type || !before.CreatedAt.Equal(after.CreatedAt) ||
				after.Record.Status != tt.r.Status || !after.Record.DeletedAt.IsZero() {
				t.Errorf("before the delete %+v, after %+v: want the same event", before, after)
			}
		})
	}
	pending := records.Record{ID: "e", Status: records.StatusDeleted, Moderation: &records.Moderation{Provider: "wechat"}}
	if ev, ok := webhook.OfOutcome(pending); ok {
		t.Errorf("a record deleted while pending: %+v, want no outcome event", ev)
	}
}
