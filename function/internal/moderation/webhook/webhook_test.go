package webhook_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/moderation/webhook"
	"github.com/ossgate/ossgate/function/internal/records"
	hook "github.com/ossgate/ossgate/function/internal/webhook"
)

func TestCheck(t *testing.T) {
	secret := []byte("whsec_0123456789abcdef")
	tests := []struct {
		name, answer string
		status       int
		want         moderation.Result
		wantErr      bool
	}{
		{"ok", `{"verdict":"ok"}`, 200, moderation.Result{Decided: true}, false},
		{"rejected with labels", `{"verdict":"rejected","labels":["spam",{"label":"porn","confidence":97.5}]}`, 200,
			moderation.Result{Decided: true, Rejected: true, Labels: []records.Label{{Label: "spam"}, {Label: "porn", Confidence: 97.5}}}, false},
		{"unknown verdict", `{"verdict":"maybe"}`, 200, moderation.Result{}, true},
		{"not json", `ok`, 200, moderation.Result{}, true},
		{"server error", `{"verdict":"ok"}`, 500, moderation.Result{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got hook.Event
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if err := hook.Verify(secret, r.Header.Get(hook.Header), body, time.Now(), time.Minute); err != nil {
					http.Error(w, err.Error(), http.StatusUnauthorized)
					return
				}
				_ = json.NewDecoder(bytes.NewReader(body)).Decode(&got)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.answer)
			}))
			defer srv.Close()
			s, err := hook.NewSender(srv.URL, secret, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := records.Record{ID: "r1", Key: "uploads/a.png", Status: records.StatusPending, RecordedAt: time.Unix(1764900000, 0)}
			res, err := webhook.New(s).Check(t.Context(), r, config.Moderation{Provider: "webhook"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Check: %v, want error %v", err, tt.wantErr)
			}
			if got.Type != webhook.TypeModerate || got.Record.ID != "r1" || !strings.HasPrefix(got.ID, "evt_") {
				t.Errorf("request: %+v, want an upload.moderate of r1", got)
			}
			if err == nil {
				res.TraceID = ""
				if d := cmp.Diff(tt.want, res); d != "" {
					t.Errorf("Check (-want +got):\n%s", d)
				}
			}
		})
	}
}
