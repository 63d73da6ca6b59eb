package e2e

// The record function end to end (issue 6): uploads through forms signed by
// the real sign function land in the local OSS endpoint, whose trigger feeds
// the real record function; GET /uploads shows the records.

import (
	"bytes"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
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
	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/record"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// recCredential is a fake AccessKey the tests' own SDK clients use.
var recCredential = ossemu.Credential{AccessKeyID: "LTAIrecordtest", AccessKeySecret: "fake-record-e2e-secret"}

// recNoSign runs the no-op function in place of the sign function, for
// tests that upload with the SDK.
var recNoSign = []string{"OSSGATE_FUNCTION=empty"}

// recEvents retries quickly, so that fault tests take seconds.
func recEvents(dup bool, window int) fcemu.AsyncConfig {
	return fcemu.AsyncConfig{MaxRetries: 5, RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Duplicate: dup, ReorderWindow: window, Seed: 6}
}

// recSecret is a fake HS256 secret for these tests only.
const recSecret = "fake-record-e2e-hs256-secret-0123456789abcdef"

// recToken returns a bearer token for user, valid ten minutes.
func recToken(t *testing.T, user string) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: user, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(10 * time.Minute)),
	}).SignedString([]byte(recSecret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// recTicket is one upload ticket of POST /sign.
type recTicket struct {
	URL    string            `json:"url"`
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields"`
}

// recCall sends an authenticated JSON request to the sign function and
// decodes a 200 answer into out.
func recCall(t *testing.T, st *stack.Stack, token, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, st.SignURL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: got %d %s, want 200", method, path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
}

// recUpload asks for a ticket declaring ctype and posts data with it,
// exactly as a client would, and returns the object key.
func recUpload(t *testing.T, st *stack.Stack, token, name, ctype string, data []byte) string {
	t.Helper()
	var res struct{ Uploads []recTicket }
	recCall(t, st, token, http.MethodPost, "/sign", map[string]any{
		"profile": "avatar", "files": []map[string]any{{"name": name, "type": ctype, "size": len(data)}},
	}, &res)
	if len(res.Uploads) != 1 {
		t.Fatalf("POST /sign: got %d tickets, want 1", len(res.Uploads))
	}
	tk := res.Uploads[0]
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range tk.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(tk.URL, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload %s: got %d %s, want 2xx", tk.Key, resp.StatusCode, b)
	}
	return tk.Key
}

// recList returns every record GET /uploads shows user, following cursors.
func recList(t *testing.T, st *stack.Stack, token string) []record.Record {
	t.Helper()
	var all []record.Record
	cursor := ""
	for range 100 {
		var p record.Page
		recCall(t, st, token, http.MethodGet, "/uploads?limit=2&cursor="+url.QueryEscape(cursor), nil, &p)
		all = append(all, p.Records...)
		if cursor = p.Next; cursor == "" {
			return all
		}
	}
	t.Fatal("GET /uploads: more than 100 pages")
	return nil
}

// recPNG is a real PNG header followed by bytes unique to i.
func recPNG(i int) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	return append(b, fmt.Sprintf("ossgate-record-e2e-%06d", i)...)
}

func TestRecordSignedUploads(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: recSecret})
	alice, bob := recToken(t, "alice"), recToken(t, "bob@example.com")
	pngKey := recUpload(t, st, alice, "me 1.png", "image/png", recPNG(1))
	textKey := recUpload(t, st, alice, "fake.png", "image/png", []byte("plain text, not a picture\n"))
	bobKey := recUpload(t, st, bob, "bob.png", "image/png", recPNG(2))
	drainRecords(t, st)

	got := map[string]record.Record{}
	for _, r := range recList(t, st, alice) {
		got[r.Key] = r
	}
	if len(got) != 2 {
		t.Fatalf("GET /uploads (alice): got %d records %v, want 2", len(got), got)
	}
	if r := got[pngKey]; r.Status != record.StatusOK || r.Uploader != "alice" || r.Profile != "avatar" ||
		r.OriginalName != "me 1.png" || r.DetectedType != "image/png" || r.Size != int64(len(recPNG(1))) {
		t.Errorf("png upload: got %+v, want ok, alice, avatar, \"me 1.png\", image/png", r)
	}
	r := got[textKey]
	if r.Status != record.StatusQuarantined || r.DetectedType != "text/plain" || r.QuarantineKey != "quarantine/"+textKey {
		t.Errorf("text posted as image/png: got %+v, want quarantined at quarantine/%s", r, textKey)
	}
	b := recBucket(t, st)
	if in, _ := b.IsObjectExist(textKey); in {
		t.Errorf("quarantined %s is still under the upload prefix", textKey)
	}
	if moved, err := b.IsObjectExist("quarantine/" + textKey); !moved {
		t.Errorf("quarantine/%s: got absent (%v), want the moved object", textKey, err)
	}
	bobs := recList(t, st, bob)
	if len(bobs) != 1 || bobs[0].Key != bobKey {
		t.Errorf("GET /uploads (bob): got %+v, want only %s", bobs, bobKey)
	}
}

func md5sum(b []byte) [16]byte { return md5.Sum(b) }

// recBucket is an SDK client of the stack's bucket with a fake key.
func recBucket(t *testing.T, st *stack.Stack) *oss.Bucket {
	t.Helper()
	st.OSS.AddCredential(recCredential)
	cl, err := oss.New(st.OSSURL, recCredential.AccessKeyID, recCredential.AccessKeySecret, oss.ForcePathStyle(true), oss.Timeout(5, 10))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cl.Bucket(st.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recCount counts the record objects and ID objects under records/.
func recCount(t *testing.T, b *oss.Bucket) (recs, ids int) {
	t.Helper()
	token := ""
	for range 1000 {
		opts := []oss.Option{oss.Prefix("records/"), oss.MaxKeys(1000)}
		if token != "" {
			opts = append(opts, oss.ContinuationToken(token))
		}
		res, err := b.ListObjectsV2(opts...)
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		for _, o := range res.Objects {
			if strings.HasPrefix(o.Key, "records/_ids/") {
				ids++
			} else {
				recs++
			}
		}
		if token = res.NextContinuationToken; !res.IsTruncated {
			return recs, ids
		}
	}
	t.Fatal("ListObjectsV2: too many pages")
	return 0, 0
}

// recPut puts n PNG objects labelled as the sign function labels uploads,
// each firing the record trigger, and returns their keys.
func recPut(t *testing.T, b *oss.Bucket, n int, body func(int) []byte) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		user := fmt.Sprintf("user-%d", i%3)
		keys[i] = fmt.Sprintf("uploads/avatar/%s/2026/11/25/rec%04d.png", user, i)
		err := b.PutObject(keys[i], bytes.NewReader(body(i)), oss.ContentType("image/png"),
			oss.Meta("uploader", user), oss.Meta("profile", "avatar"), oss.Meta("filename", "f.png"))
		if err != nil {
			t.Fatalf("PutObject %s: %v", keys[i], err)
		}
	}
	return keys
}

// TestRecordDuplicateReorder delivers every event twice and shuffled:
// still exactly one record per upload, and nothing retried forever.
func TestRecordDuplicateReorder(t *testing.T) {
	st := startStack(t, stack.Config{Events: recEvents(true, 5), RecordInstances: 2, SignEnv: recNoSign})
	b := recBucket(t, st)
	const n = 12
	body := func(i int) []byte {
		if i%4 == 3 {
			return []byte(fmt.Sprintf("text %d posing as a png", i)) // quarantined (moved) ones too
		}
		return recPNG(i)
	}
	keys := recPut(t, b, n, body)
	drainRecords(t, st)
	if s := st.Record.AsyncStats(); s.Accepted != 2*n || s.Failed != 0 {
		t.Errorf("trigger queue: got %+v, want %d deliveries accepted, none failed", s, 2*n)
	}
	recs, ids := recCount(t, b)
	if recs != n || ids != n {
		t.Errorf("got %d record objects and %d ID objects, want %d of each", recs, ids, n)
	}
	store := record.NewOSSStore(b, "records")
	for i, k := range keys {
		etag := fmt.Sprintf("%X", md5sum(body(i)))
		r, err := store.Get(t.Context(), record.ID(st.Bucket, k, etag))
		if err != nil {
			t.Errorf("record of %s: %v", k, err)
			continue
		}
		if want := map[bool]string{true: record.StatusQuarantined, false: record.StatusOK}[i%4 == 3]; r.Status != want {
			t.Errorf("record of %s: got status %q, want %q", k, r.Status, want)
		}
	}
}

// faultyOSS is a reverse proxy to the stack's OSS endpoint that answers 503
// to the first HEAD of every uploaded object: the record function's SDK
// calls go through it.
type faultyOSS struct {
	target atomic.Pointer[url.URL]
	mu     sync.Mutex
	seen   map[string]bool
	failed atomic.Int64
}

func (f *faultyOSS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead && strings.Contains(r.URL.Path, "/uploads/") {
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

// TestRecordRetriesInjectedHeadFailure fails the record function's first
// HeadObject of each upload with a 503: the function returns an error, the
// emulator retries as FC does, and every record is complete.
func TestRecordRetriesInjectedHeadFailure(t *testing.T) {
	f := &faultyOSS{seen: map[string]bool{}}
	proxy := httptest.NewServer(f)
	t.Cleanup(proxy.Close)
	st := startStack(t, stack.Config{Events: recEvents(false, 0), SignEnv: recNoSign,
		RecordEnv: []string{"OSSGATE_INTERNAL_ENDPOINT=" + proxy.URL}})
	u, err := url.Parse(st.OSSURL)
	if err != nil {
		t.Fatal(err)
	}
	f.target.Store(u)
	b := recBucket(t, st)
	const n = 3
	keys := recPut(t, b, n, recPNG)
	drainRecords(t, st)
	s := st.Record.AsyncStats()
	if f.failed.Load() != n || s.Retried < n || s.Failed != 0 {
		t.Errorf("got %d injected failures and queue %+v; want %d failures, each retried, none given up", f.failed.Load(), s, n)
	}
	store := record.NewOSSStore(b, "records")
	for i, k := range keys {
		r, err := store.Get(t.Context(), record.ID(st.Bucket, k, fmt.Sprintf("%X", md5sum(recPNG(i)))))
		if err != nil || r.Status != record.StatusOK {
			t.Errorf("record of %s: got %+v (%v), want ok", k, r, err)
		}
	}
}
