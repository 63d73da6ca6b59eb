package record_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// TestTextIsCheckedPastTheSniffWindow: a text upload is scanned for markup
// in full, not in its first record.SniffLen bytes only: HTML in the last
// bytes of a large text/plain object (the last part of a multipart upload)
// quarantines it, also when the markup straddles the end of the first
// window, and a large clean text passes.
func TestTextIsCheckedPastTheSniffWindow(t *testing.T) {
	plain := strings.Repeat("a line of plain text, nothing more.\n", 3*record.SniffLen/36)
	tests := []struct {
		name, body string
		want       verdict
	}{
		{"clean", plain, verdict{Status: records.StatusOK}},
		{"html at the end", plain + "<script>alert(1)</script>\n",
			verdict{records.StatusQuarantined, `declared text/plain, content holds HTML markup ("<script>") at byte ` + strconv.Itoa(len(plain))}},
		{"html across the window's end", plain[:record.SniffLen-4] + `<img src=x onerror=alert(1)>` + plain,
			verdict{records.StatusQuarantined, `declared text/plain, content holds HTML markup ("<img ") at byte ` + strconv.Itoa(record.SniffLen-4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmu(t)
			b := e.bucket(t)
			k := keyOf("notes", "alice", "n.txt")
			var h http.Header
			err := b.PutObject(k, bytes.NewReader([]byte(tt.body)), oss.ContentType("text/plain"),
				oss.SetHeader(upload.MetaUploader, "alice"), oss.SetHeader(upload.MetaProfile, "notes"), oss.GetResponseHeader(&h))
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			ev := evRec{name: "ObjectCreated:CompleteMultipartUpload", bucket: bucket, key: k, etag: records.NormalizeETag(h.Get("ETag"))}
			if err := emuHandler(t, e, "tag").Handle(e.ctx(t), payload(t, ev)); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			r, err := ossstore.New(b, layout.Records).Get(e.ctx(t), "alice", records.ID(bucket, k))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, verdict{r.Status, r.Reason}); d != "" {
				t.Errorf("record (-want +got):\n%s", d)
			}
		})
	}
}

// TestFullScanThatCannotFinish: a text whose full scan fails is not
// recorded (the event is retried), and one replaced by a newer write
// while it was scanned is left to the newer write's event.
func TestFullScanThatCannotFinish(t *testing.T) {
	body := []byte(strings.Repeat("plain text\n", 2*record.SniffLen/11))
	k := keyOf("notes", "alice", "n.txt")

	e := newEnv(t, "")
	e.objs.put(k, "text/plain", "alice", "notes", body)
	e.objs.failNext("stream", k, service(http.StatusServiceUnavailable, "ServiceUnavailable"))
	ev := evRec{name: "ObjectCreated:PutObject", bucket: bucket, key: k}
	if err := e.handle(t, ev); !record.Transient(err) {
		t.Errorf("Handle with a failing scan: got %v, want a transient error", err)
	}
	if n := e.store.Len(); n != 0 {
		t.Errorf("after a failed scan: %d records, want none", n)
	}
	if err := e.handle(t, ev); err != nil {
		t.Fatalf("Handle again: %v", err)
	}
	if r := e.get(t, k); r.Status != records.StatusOK {
		t.Errorf("after the retry: status %q (%s), want ok", r.Status, r.Reason)
	}

	e = newEnv(t, "")
	e.objs.put(k, "text/plain", "alice", "notes", body)
	info, _ := e.objs.info(k)
	ev.etag = records.NormalizeETag(info.ETag)
	e.objs.replaceLater(k, append(bytes.Clone(body), "<script>"...))
	if err := e.handle(t, ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if n := e.store.Len(); n != 0 {
		t.Errorf("object replaced during the scan: %d records, want none (the newer write's event records it)", n)
	}
	if !strings.Contains(e.logs.String(), `"status":"superseded"`) {
		t.Errorf("logs %s: want superseded", e.logs)
	}
}
