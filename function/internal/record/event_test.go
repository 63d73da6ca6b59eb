package record_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ossgate/ossgate/function/internal/record"
)

const fixtures = "../../../testdata/events"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rec builds the decoded form of a fixture record.
func rec(name, key, etag string, size int64, mime, reqID string) record.EventRecord {
	return record.EventRecord{
		Name: name, Time: "2022-08-13T06:45:43.000Z", Region: "cn-hangzhou",
		OSS: record.EventOSS{Bucket: record.EventBucket{Name: "testbucket"},
			Object: record.EventObject{Key: key, ETag: etag, Size: size, Meta: record.EventObjectMeta{MimeType: mime}}},
		Responses: record.EventResult{RequestID: reqID},
	}
}

func TestDecodeEventGolden(t *testing.T) {
	const etagA = "0CC175B9C0F1B6A831C399E269772661"
	tests := []struct {
		file string
		want []record.EventRecord
	}{
		{"put_object.json", []record.EventRecord{
			rec("ObjectCreated:PutObject", "source/a.png", "688A7BF4F233DC9C88A80BF985AB****", 122539, "", "58F9FF2D3DF792092E12044C")}},
		{"post_object.json", []record.EventRecord{
			rec("ObjectCreated:PostObject", "uploads/avatar/alice/2026/11/25/k3j4h5g6.png", "D41D8CD98F00B204E9800998ECF8427E", 52311, "image/png", "6745F3A1B2C3D4E5F6A7B8C9")}},
		{"complete_multipart_upload.json", []record.EventRecord{
			rec("ObjectCreated:CompleteMultipartUpload", "uploads/video/bob/2026/11/25/q9w8e7r6.mp4", "A1B2C3D4E5F60718293A4B5C6D7E8F90-3", 15728640, "", "6745F3A1B2C3D4E5F6A7B8CA")}},
		{"batch.json", []record.EventRecord{
			rec("ObjectCreated:PostObject", "uploads/avatar/alice/2026/11/25/aaaa0001.png", etagA, 1024, "image/png", "6745F3A1B2C3D4E5F6A7B801"),
			rec("ObjectCreated:PutObject", "uploads/doc/carol/2026/11/25/aaaa0002.pdf", "92EB5FFEE6AE2FEC3AD71C777531578F", 2048, "", "6745F3A1B2C3D4E5F6A7B802"),
			rec("ObjectRemoved:DeleteObject", "uploads/avatar/alice/2026/11/24/old.png", "", 0, "", "6745F3A1B2C3D4E5F6A7B803"),
			rec("ObjectCreated:PostObject", "uploads/avatar/dave/2026/11/25/aaaa0004.jpg", "4A8A08F09D37B73795649038408B5F33", 4096, "image/jpeg", "6745F3A1B2C3D4E5F6A7B804")}},
		{"keys_encoded.json", []record.EventRecord{
			rec("ObjectCreated:PostObject", "uploads/doc/alice/my file+v2 100%.pdf", etagA, 10, "", "58F9FF2D3DF792092E12044C"),
			rec("ObjectCreated:PostObject", "uploads/doc/alice/my%20file%2Bv2%20100%25.pdf", etagA, 10, "", "58F9FF2D3DF792092E12044C"),
			rec("ObjectCreated:PostObject", "uploads/doc/alice/my+file.pdf", etagA, 10, "", "58F9FF2D3DF792092E12044C"),
			rec("ObjectCreated:PostObject", "uploads/doc/用户/照片 1.png", etagA, 10, "", "58F9FF2D3DF792092E12044C"),
			rec("ObjectCreated:PostObject", "uploads/doc/%E7%94%A8%E6%88%B7/%E7%85%A7%E7%89%87%201.png", etagA, 10, "", "58F9FF2D3DF792092E12044C"),
			rec("ObjectCreated:PostObject", "uploads/doc/alice/100%.pdf", etagA, 10, "", "58F9FF2D3DF792092E12044C")}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := record.DecodeEvent(readFixture(t, tt.file))
			if err != nil {
				t.Fatalf("DecodeEvent: %v", err)
			}
			if d := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); d != "" {
				t.Errorf("decoded (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeEventBadRecords(t *testing.T) {
	got, err := record.DecodeEvent(readFixture(t, "missing_fields.json"))
	if err != nil {
		t.Fatalf("DecodeEvent: %v", err)
	}
	// no key, no bucket, no eventName, optional fields missing (valid), size mistyped, null.
	wantBad := []bool{true, true, true, false, true, true}
	if len(got) != len(wantBad) {
		t.Fatalf("got %d records, want %d", len(got), len(wantBad))
	}
	for i, r := range got {
		if bad := r.Err != nil; bad != wantBad[i] || bad && !errors.Is(r.Err, record.ErrMalformed) {
			t.Errorf("record %d: got Err %v, want malformed %v", i, r.Err, wantBad[i])
		}
	}
	type fields struct{ Key, ETag, RequestID string }
	r := got[3]
	if d := cmp.Diff(fields{Key: "source/a.png"}, fields{r.OSS.Object.Key, r.OSS.Object.ETag, r.Responses.RequestID}); d != "" {
		t.Errorf("record 3, want empty optional fields (-want +got):\n%s", d)
	}
}

func TestUnknownEventsAreNotCreated(t *testing.T) {
	got, err := record.DecodeEvent(readFixture(t, "unknown_events.json"))
	if err != nil {
		t.Fatalf("DecodeEvent: %v", err)
	}
	for _, r := range got {
		if r.Err != nil || r.IsCreated() {
			t.Errorf("%s: got Err %v, IsCreated %v; want a valid record that is not a creation", r.Name, r.Err, r.IsCreated())
		}
	}
}

func TestFixturesAreAcknowledged(t *testing.T) {
	// The handler acknowledges every fixture when the objects are missing
	// (permanent) or outside the bucket: none of them is retried.
	e := newEnv(t, "")
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		if filepath.Ext(ent.Name()) != ".json" {
			continue
		}
		if err := e.h.Handle(t.Context(), readFixture(t, ent.Name())); err != nil {
			t.Errorf("Handle(%s): got %v, want nil", ent.Name(), err)
		}
	}
}

func TestKeyCandidates(t *testing.T) {
	tests := []struct {
		key  string
		want []string
	}{
		{"uploads/a.png", []string{"uploads/a.png"}},
		{"uploads/a+b.png", []string{"uploads/a+b.png", "uploads/a b.png"}},
		{"uploads/a%20b.png", []string{"uploads/a%20b.png", "uploads/a b.png"}},
		{"uploads/100%.png", []string{"uploads/100%.png"}},
		{"uploads/用户.png", []string{"uploads/用户.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			r := record.EventRecord{OSS: record.EventOSS{Object: record.EventObject{Key: tt.key}}}
			if d := cmp.Diff(tt.want, r.KeyCandidates()); d != "" {
				t.Errorf("KeyCandidates (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzDecodeEvent(f *testing.F) {
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		f.Fatal(err)
	}
	for _, ent := range entries {
		if filepath.Ext(ent.Name()) == ".json" {
			f.Add(readFixture(f, ent.Name()))
		}
	}
	for _, s := range []string{``, `{}`, `{"events":null}`, `{"events":[null]}`, `{"events":[{"oss":{"object":{"key":"%"}}}]}`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := record.DecodeEvent(b)
		if err != nil {
			if !errors.Is(err, record.ErrMalformed) || recs != nil {
				t.Fatalf("got records %v and error %v, want no records and ErrMalformed", recs, err)
			}
			return
		}
		for _, r := range recs {
			if r.Err == nil && (r.Name == "" || r.OSS.Bucket.Name == "" || r.OSS.Object.Key == "") {
				t.Errorf("record without Err lacks a required field: %+v", r)
			}
			if r.Err != nil && !errors.Is(r.Err, record.ErrMalformed) {
				t.Errorf("record Err %v does not wrap ErrMalformed", r.Err)
			}
			if c := r.KeyCandidates(); len(c) == 0 || c[0] != r.OSS.Object.Key {
				t.Errorf("KeyCandidates(%q) = %q, want the key first", r.OSS.Object.Key, c)
			}
		}
	})
}
