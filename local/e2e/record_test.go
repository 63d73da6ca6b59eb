package e2e

// The record function end to end: uploads through forms signed by
// the real sign function land in the local OSS endpoint, whose trigger feeds
// the real record function; GET /uploads shows the records. The tests know
// ossgate only through its API: keys and metadata come from tickets, records
// from GET /uploads.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/stack"
)

// Record statuses of the API (docs/records.md).
const (
	statusOK          = "ok"
	statusQuarantined = "quarantined"
)

// recEvents retries quickly, so that fault tests take seconds.
func recEvents(dup bool, window int) fcemu.AsyncConfig {
	return fcemu.AsyncConfig{MaxRetries: 5, RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Duplicate: dup, ReorderWindow: window, Seed: 6}
}

// recSecret is a fake HS256 secret for these tests only.
const recSecret = "fake-record-e2e-hs256-secret-0123456789abcdef"

// recToken returns an Authorization value for user, valid ten minutes.
func recToken(user string) string { return testutil.Token(recSecret, user, 10*time.Minute) }

var recClient = &http.Client{Timeout: 10 * time.Second}

// recUpload asks for a ticket declaring ctype and posts data with it,
// exactly as a client would, and returns the object key.
func recUpload(t *testing.T, st *stack.Stack, user, name, ctype string, data []byte) string {
	t.Helper()
	tk, err := testutil.AskTicket(recClient, st.SignURL, recToken(user), "avatar", name, ctype, len(data))
	if err == nil {
		err = testutil.PostForm(recClient, tk, ctype, data)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tk.Key
}

// recList returns every record GET /uploads shows user, two per page.
func recList(t *testing.T, st *stack.Stack, user string) []testutil.Record {
	t.Helper()
	recs, err := testutil.ListUploads(recClient, st.SignURL, recToken(user), 2)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// recPNG is a real PNG header followed by bytes unique to i.
func recPNG(i int) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	return append(b, fmt.Sprintf("ossgate-record-e2e-%06d", i)...)
}

func TestRecordSignedUploads(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: recSecret})
	pngKey := recUpload(t, st, "alice", "me 1.png", "image/png", recPNG(1))
	textKey := recUpload(t, st, "alice", "fake.png", "image/png", []byte("plain text, not a picture\n"))
	bobKey := recUpload(t, st, "bob@example.com", "bob.png", "image/png", recPNG(2))
	drainRecords(t, st)

	got := map[string]testutil.Record{}
	for _, r := range recList(t, st, "alice") {
		got[r.Key] = r
	}
	if len(got) != 2 {
		t.Fatalf("GET /uploads (alice): got %d records %v, want 2", len(got), got)
	}
	if r := got[pngKey]; r.Status != statusOK || r.Uploader != "alice" || r.Profile != "avatar" ||
		r.OriginalName != "me 1.png" || r.DetectedType != "image/png" || r.Size != int64(len(recPNG(1))) {
		t.Errorf("png upload: got %+v, want ok, alice, avatar, \"me 1.png\", image/png", r)
	}
	r := got[textKey]
	if r.Status != statusQuarantined || r.DetectedType != "text/plain" || r.QuarantineKey == "" || r.QuarantineKey == textKey {
		t.Errorf("text posted as image/png: got %+v, want quarantined under another key", r)
	}
	b := recBucket(t, st)
	if in, _ := b.IsObjectExist(textKey); in {
		t.Errorf("quarantined %s is still under the upload prefix", textKey)
	}
	if moved, err := b.IsObjectExist(r.QuarantineKey); !moved {
		t.Errorf("%s: got absent (%v), want the moved object", r.QuarantineKey, err)
	}
	bobs := recList(t, st, "bob@example.com")
	if len(bobs) != 1 || bobs[0].Key != bobKey {
		t.Errorf("GET /uploads (bob): got %+v, want only %s", bobs, bobKey)
	}
}

// recBucket is an SDK client of the stack's bucket with a local AccessKey.
func recBucket(t *testing.T, st *stack.Stack) *oss.Bucket {
	t.Helper()
	c := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, c.AccessKeyID, c.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recCount counts the objects under prefix.
func recCount(t *testing.T, b *oss.Bucket, prefix string) int {
	t.Helper()
	n, token := 0, ""
	for range 1000 {
		opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(1000)}
		if token != "" {
			opts = append(opts, oss.ContinuationToken(token))
		}
		res, err := b.ListObjectsV2(opts...)
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		n += len(res.Objects)
		if token = res.NextContinuationToken; !res.IsTruncated {
			return n
		}
	}
	t.Fatal("ListObjectsV2: too many pages")
	return 0
}

// recUser is the user of upload i of recPut.
func recUser(i int) string { return fmt.Sprintf("user-%d", i%3) }

// recPut puts n PNG objects with the SDK, at the keys and with the labels of
// tickets the sign function hands out, each firing the record trigger with a
// PutObject event; it returns their keys.
func recPut(t *testing.T, st *stack.Stack, b *oss.Bucket, n int, body func(int) []byte) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		tk, err := testutil.AskTicket(recClient, st.SignURL, recToken(recUser(i)), "avatar", "f.png", "image/png", len(body(i)))
		if err == nil {
			err = testutil.PutAsTicket(b, tk, body(i))
		}
		if err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
		keys[i] = tk.Key
	}
	return keys
}

// recStatuses returns the status of every record GET /uploads shows the
// users of recPut, by key, and fails on a key listed twice.
func recStatuses(t *testing.T, st *stack.Stack) map[string]string {
	t.Helper()
	got := map[string]string{}
	for u := range 3 {
		for _, r := range recList(t, st, recUser(u)) {
			if _, dup := got[r.Key]; dup {
				t.Errorf("%s: listed twice, want one record", r.Key)
			}
			got[r.Key] = r.Status
		}
	}
	return got
}

// TestRecordDuplicateReorder delivers every event twice and shuffled:
// still exactly one record per upload, and nothing retried forever.
func TestRecordDuplicateReorder(t *testing.T) {
	const recordsPrefix = "e2e-records"
	st := startStack(t, stack.Config{Events: recEvents(true, 5), RecordInstances: 2, JWTSecret: recSecret,
		Env: []string{"OSSGATE_RECORDS_PREFIX=" + recordsPrefix}})
	b := recBucket(t, st)
	const n = 12
	body := func(i int) []byte {
		if i%4 == 3 {
			return []byte(fmt.Sprintf("text %d posing as a png", i)) // quarantined (moved) ones too
		}
		return recPNG(i)
	}
	keys := recPut(t, st, b, n, body)
	drainRecords(t, st)
	if s := st.Record.AsyncStats(); s.Accepted != 2*n || s.Failed != 0 {
		t.Errorf("trigger queue: got %+v, want %d deliveries accepted, none failed", s, 2*n)
	}
	// The OSS store writes one object per record, however often its event
	// came: its create-if-absent PUT is both the claim and the record.
	if got := recCount(t, b, recordsPrefix+"/"); got != n {
		t.Errorf("got %d objects under %s/, want %d (one record per upload)", got, recordsPrefix, n)
	}
	got := recStatuses(t, st)
	for i, k := range keys {
		if want := map[bool]string{true: statusQuarantined, false: statusOK}[i%4 == 3]; got[k] != want {
			t.Errorf("record of %s: got status %q, want %q", k, got[k], want)
		}
	}
	if len(got) != n {
		t.Errorf("got %d records, want %d", len(got), n)
	}
}

// faultyOSS is a reverse proxy to the stack's OSS endpoint that answers 503
// to the first read (GET) of every uploaded object: the record function's
// SDK calls go through it.
type faultyOSS struct {
	target atomic.Pointer[url.URL]
	mu     sync.Mutex
	seen   map[string]bool
	failed atomic.Int64
}

func (f *faultyOSS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isUploadRead(r) {
		f.mu.Lock()
		first := !f.seen[r.URL.Path]
		f.seen[r.URL.Path] = true
		f.mu.Unlock()
		if first {
			f.failed.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
	}
	(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(f.target.Load())
		pr.Out.Host = pr.In.Host
	}}).ServeHTTP(w, r)
}

// isUploadRead reports whether r is a GET of an object under the upload
// prefix: the record function's one read of an upload.
func isUploadRead(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/"+stack.UploadPrefix+"/")
}

// TestRecordRetriesInjectedReadFailure fails the record function's first
// read of each upload with a 503: the function returns an error, the
// emulator retries as FC does, and every record is complete.
func TestRecordRetriesInjectedReadFailure(t *testing.T) {
	f := &faultyOSS{seen: map[string]bool{}}
	proxy := httptest.NewServer(f)
	t.Cleanup(proxy.Close)
	st := startStack(t, stack.Config{Events: recEvents(false, 0), JWTSecret: recSecret,
		RecordEnv: []string{"OSSGATE_INTERNAL_ENDPOINT=" + proxy.URL}})
	u, err := url.Parse(st.OSSURL)
	if err != nil {
		t.Fatal(err)
	}
	f.target.Store(u)
	b := recBucket(t, st)
	const n = 3
	keys := recPut(t, st, b, n, recPNG)
	drainRecords(t, st)
	s := st.Record.AsyncStats()
	if f.failed.Load() != n || s.Retried < n || s.Failed != 0 {
		t.Errorf("got %d injected failures and queue %+v; want %d failures, each retried, none given up", f.failed.Load(), s, n)
	}
	got := recStatuses(t, st)
	for _, k := range keys {
		if got[k] != statusOK {
			t.Errorf("record of %s: got status %q, want ok", k, got[k])
		}
	}
}
