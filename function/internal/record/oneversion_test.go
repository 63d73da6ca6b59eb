package record_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

// TestRecordDescribesBytesItRead: a newer upload that
// replaces the object while its event is processed never yields a record
// that mixes the two: the metadata (ETag, size, type) and the sniffed bytes
// of a record are of one version. The record function reads both with one
// ranged GET pinned to the event's ETag (If-Match); a newer version is
// acknowledged (its own event records it).
func TestRecordDescribesBytesItRead(t *testing.T) {
	e := newEnv(t, "tag")
	png, text := pngBytes(t), textBytes()
	ev := e.upload(key("race.png"), "image/png", png)
	e.objs.replaceLater(ev.key, text)
	if err := e.handle(t, ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	r, err := e.store.Get(t.Context(), "alice", records.ID(bucket, ev.key))
	if err != nil {
		return // nothing recorded from this event: fine, the newer write's own event decides
	}
	if r.ETag != ev.etag {
		return // the newer version's record
	}
	type described struct {
		Size                 int64
		DetectedType, Status string
	}
	if d := cmp.Diff(described{int64(len(png)), record.Sniff(png), records.StatusOK}, described{r.Size, r.DetectedType, r.Status}); d != "" {
		t.Errorf("record of version %s (a PNG) describes bytes of another version (reason %q) (-want +got):\n%s", ev.etag, r.Reason, d)
	}
}

// TestRecordsAKeyOnce (the record function's part): two
// versions of one key (a bucket where forbid-overwrite does not hold, such
// as a versioned one) get one record: the first recorded, the second
// acknowledged as a duplicate.
func TestRecordsAKeyOnce(t *testing.T) {
	e := newEnv(t, "")
	first := e.upload(key("twice.png"), "image/png", pngBytes(t))
	if err := e.handle(t, first); err != nil {
		t.Fatal(err)
	}
	second := e.upload(key("twice.png"), "image/png", append(pngBytes(t), 0))
	if err := e.handle(t, second); err != nil {
		t.Fatal(err)
	}
	if n := e.store.Len(); n != 1 {
		t.Errorf("got %d records of one key, want 1", n)
	}
}
