package record_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

// TestCallbackLeavesModerationToTheEvent: the sign function's callback
// records with DeferModeration, so an upload of a moderated profile is
// moderated once, by the record function's event, whichever came first:
// the callback answers the record pending (or, after the event, settled),
// and the provider is asked exactly once.
func TestCallbackLeavesModerationToTheEvent(t *testing.T) {
	for _, eventFirst := range []bool{false, true} {
		name := map[bool]string{false: "callback first", true: "event first"}[eventFirst]
		t.Run(name, func(t *testing.T) {
			e := newModEnv(t, "move", "reject")
			cb, err := record.NewHandler(e.cfg, record.Options{
				Open:            func(context.Context) (record.Objects, records.Store, error) { return e.objs, e.store, nil },
				Now:             func() time.Time { return e.now },
				DeferModeration: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			ev := e.uploadMod(t, "clean.png")
			callback := func() records.Record {
				r, err := cb.RecordObject(context.Background(), bucket, ev.key, ev.etag, record.EventCallback)
				if err != nil {
					t.Fatalf("RecordObject: %v", err)
				}
				return r
			}
			want := records.StatusPending
			var answered records.Record
			if eventFirst {
				if err := e.handle(t, ev); err != nil {
					t.Fatal(err)
				}
				want = records.StatusOK
				answered = callback()
			} else {
				answered = callback()
				if err := e.handle(t, ev); err != nil {
					t.Fatal(err)
				}
			}
			if d := cmp.Diff(want, answered.Status); d != "" {
				t.Errorf("the callback's answer (-want +got):\n%s", d)
			}
			if got := e.get(t, ev.key); got.Status != records.StatusOK {
				t.Errorf("stored: %s, want ok", got.Status)
			}
			if e.p.calls != 1 {
				t.Errorf("provider asked %d times, want 1", e.p.calls)
			}
		})
	}
}
