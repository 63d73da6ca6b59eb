package record_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

// TestRetryCompletesHalfDoneWork fails one step of a quarantine with a
// transient error, then redelivers the event: the second delivery must
// finish the work and leave the record of the first.
func TestRetryCompletesHalfDoneWork(t *testing.T) {
	tests := []struct {
		name, op   string
		quarantine bool
	}{
		{"read fails", "read", false},
		{"copy fails after the record", "copy", true},
		{"delete fails after the copy", "delete", true},
		{"tag fails", "tag", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mode := "move"
			if tt.op == "tag" {
				mode = "tag"
			}
			e := newEnv(t, mode)
			body := pngBytes(t)
			if tt.quarantine {
				body = textBytes()
			}
			ev := e.upload(key("a.png"), "image/png", body)
			e.objs.failNext(tt.op, ev.key, &net.OpError{Op: "dial", Err: errors.New("connection refused")})
			err := e.handle(t, ev)
			if err == nil || !record.Transient(err) {
				t.Fatalf("first delivery: got %v, want a transient error", err)
			}
			if err := e.handle(t, ev); err != nil {
				t.Fatalf("retry: %v", err)
			}
			r := e.get(t, ev.key)
			if tt.quarantine {
				checkQuarantined(t, e, mode, ev.key, r)
			} else if r.Status != records.StatusOK {
				t.Errorf("got status %q, want ok", r.Status)
			}
			if err := e.handle(t, ev); err != nil {
				t.Fatalf("third delivery: %v", err)
			}
			if d := cmp.Diff(r, e.get(t, ev.key)); d != "" {
				t.Errorf("changes after a duplicate (-before +after):\n%s", d)
			}
			if n := e.store.Len(); n != 1 {
				t.Errorf("got %d records, want 1", n)
			}
		})
	}
}

func TestSupersededAndGone(t *testing.T) {
	e := newEnv(t, "")
	ev := e.upload(key("a.png"), "image/png", pngBytes(t))
	old := ev
	old.etag = "0123456789ABCDEF0123456789ABCDEF"
	gone := evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: key("gone.png")}
	if err := e.handle(t, old, gone); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if e.store.Len() != 0 {
		t.Errorf("got %d records, want none", e.store.Len())
	}
	for _, want := range []string{"superseded", `"status":"gone"`} {
		if !strings.Contains(e.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestNoCredentialsIsRetried(t *testing.T) {
	e := newEnv(t, "")
	h, err := record.NewHandler(testConfig(t, ""), record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			_, err := creds.Resolve(ctx, nil)
			return nil, nil, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := e.upload(key("a.png"), "image/png", pngBytes(t))
	if err := h.Handle(context.Background(), payload(t, ev)); !errors.Is(err, creds.ErrNone) {
		t.Errorf("Handle without credentials: got %v, want an error wrapping creds.ErrNone", err)
	}
}
