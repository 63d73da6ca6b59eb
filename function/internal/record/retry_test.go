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
)

// TestRetryCompletesHalfDoneWork fails one step of a quarantine with a
// transient error, then redelivers the event: the second delivery must
// finish the work and leave the record of the first.
func TestRetryCompletesHalfDoneWork(t *testing.T) {
	tests := []struct {
		name, op   string
		quarantine bool
	}{
		{"head fails", "head", false},
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
			ev := e.upload("uploads/avatar/alice/a.png", "image/png", body)
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
			} else if r.Status != record.StatusOK {
				t.Errorf("got status %q, want ok", r.Status)
			}
			if err := e.handle(t, ev); err != nil {
				t.Fatalf("third delivery: %v", err)
			}
			if d := cmp.Diff(r, e.get(t, ev.key)); d != "" || len(e.store.byID) != 1 {
				t.Errorf("got %d records; changes after a duplicate (-before +after):\n%s", len(e.store.byID), d)
			}
		})
	}
}

func TestEncodedKeys(t *testing.T) {
	tests := []struct {
		name, stored, sent string
	}{
		{"as sent", "uploads/avatar/alice/my file+v2 100%.png", "uploads/avatar/alice/my file+v2 100%.png"},
		{"percent-encoded", "uploads/avatar/alice/my file+v2 100%.png", "uploads/avatar/alice/my%20file%2Bv2%20100%25.png"},
		{"plus for space", "uploads/avatar/alice/my file.png", "uploads/avatar/alice/my+file.png"},
		{"literal plus", "uploads/avatar/alice/a+b.png", "uploads/avatar/alice/a+b.png"},
		{"chinese encoded", "uploads/avatar/用户/照片 1.png", "uploads/avatar/%E7%94%A8%E6%88%B7/%E7%85%A7%E7%89%87%201.png"},
		{"slash encoded", "uploads/avatar/alice/x.png", "uploads%2Favatar%2Falice%2Fx.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "")
			ev := e.upload(tt.stored, "image/png", pngBytes(t))
			ev.key = tt.sent
			if err := e.handle(t, ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if r := e.get(t, tt.stored); r.Key != tt.stored || r.Status != record.StatusOK {
				t.Errorf("got key %q status %q, want %q ok", r.Key, r.Status, tt.stored)
			}
		})
	}
}

func TestSupersededAndGone(t *testing.T) {
	e := newEnv(t, "")
	ev := e.upload("uploads/avatar/alice/a.png", "image/png", pngBytes(t))
	old := ev
	old.etag = "0123456789ABCDEF0123456789ABCDEF"
	gone := evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: "uploads/avatar/alice/gone.png"}
	if err := e.handle(t, old, gone); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(e.store.byID) != 0 {
		t.Errorf("got %d records, want none", len(e.store.byID))
	}
	for _, want := range []string{"superseded", `"status":"gone"`} {
		if !strings.Contains(e.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestNoCredentialsIsRetried(t *testing.T) {
	e := newEnv(t, "")
	h, err := record.NewHandler(record.Config{
		Bucket:  bucket,
		Profile: func(string) (record.Limits, bool) { return record.Limits{}, true },
		Open: func(ctx context.Context) (record.Objects, record.Store, error) {
			_, err := creds.Resolve(ctx, nil)
			return nil, nil, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := e.upload("uploads/avatar/alice/a.png", "image/png", pngBytes(t))
	if err := h.Handle(context.Background(), payload(t, ev)); !errors.Is(err, creds.ErrNone) {
		t.Errorf("Handle without credentials: got %v, want an error wrapping creds.ErrNone", err)
	}
}

func TestNewHandlerValidates(t *testing.T) {
	open := func(context.Context) (record.Objects, record.Store, error) { return nil, nil, nil }
	prof := func(string) (record.Limits, bool) { return record.Limits{}, true }
	tests := []struct {
		name string
		cfg  record.Config
	}{
		{"no bucket", record.Config{Open: open, Profile: prof}},
		{"no open", record.Config{Bucket: "b", Profile: prof}},
		{"no profile", record.Config{Bucket: "b", Open: open}},
		{"bad mode", record.Config{Bucket: "b", Open: open, Profile: prof, QuarantineMode: "delete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := record.NewHandler(tt.cfg); err == nil {
				t.Error("NewHandler: got nil error, want one")
			}
		})
	}
}
