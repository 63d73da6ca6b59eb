package record_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

// TestRecordObjectAndEventKeepOneRecord records one upload by the callback
// entry point and by its OSS event, in both orders, for a clean and a
// quarantined object: there is one record, the first write's, and the
// callback answers what is stored.
func TestRecordObjectAndEventKeepOneRecord(t *testing.T) {
	tests := []struct {
		name, status string
		body         func(testing.TB) []byte
		eventFirst   bool
	}{
		{"clean png, callback first", records.StatusOK, pngBytes, false},
		{"clean png, event first", records.StatusOK, pngBytes, true},
		{"text as png, callback first", records.StatusQuarantined, func(testing.TB) []byte { return textBytes() }, false},
		{"text as png, event first", records.StatusQuarantined, func(testing.TB) []byte { return textBytes() }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "move")
			ev := e.upload(key("a.png"), "image/png", tt.body(t))
			var got records.Record
			var err error
			callback := func() {
				got, err = e.h.RecordObject(context.Background(), bucket, ev.key, ev.etag, record.EventCallback)
			}
			if tt.eventFirst {
				if herr := e.handle(t, ev); herr != nil {
					t.Fatal(herr)
				}
				callback()
			} else {
				callback()
				if herr := e.handle(t, ev); herr != nil {
					t.Fatal(herr)
				}
			}
			if err != nil {
				t.Fatalf("RecordObject: %v", err)
			}
			stored := e.get(t, ev.key)
			if got.Status != tt.status || got.ID != records.ID(bucket, ev.key) {
				t.Errorf("callback answer: status %q id %q, want %q %q", got.Status, got.ID, tt.status, records.ID(bucket, ev.key))
			}
			// The answer is the stored record but for who wrote it and when.
			if d := cmp.Diff(stored, got, cmpopts.IgnoreFields(records.Record{}, "Event", "RecordedAt")); d != "" {
				t.Errorf("callback answer differs from the stored record (-stored +answer):\n%s", d)
			}
			wantEvent := record.EventCallback
			if tt.eventFirst {
				wantEvent = "ObjectCreated:PostObject"
			}
			if stored.Event != wantEvent {
				t.Errorf("stored record's event: got %q, want %q (first write wins)", stored.Event, wantEvent)
			}
			page, err := e.store.List(context.Background(), "alice", records.Query{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Records) != 1 {
				t.Errorf("records of alice: got %d, want 1", len(page.Records))
			}
		})
	}
}

func TestRecordObjectRefusesWhatItDoesNotRecord(t *testing.T) {
	e := newEnv(t, "move")
	ev := e.upload(key("a.png"), "image/png", pngBytes(t))
	for _, tt := range []struct{ name, bucket, key string }{
		{"another bucket", "otherbucket", ev.key},
		{"outside the upload prefix", bucket, "elsewhere/a.png"},
		{"missing object", bucket, key("gone.png")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.h.RecordObject(context.Background(), tt.bucket, tt.key, "", record.EventCallback); !errors.Is(err, record.ErrNotRecorded) {
				t.Errorf("got %v, want ErrNotRecorded", err)
			}
		})
	}
}
