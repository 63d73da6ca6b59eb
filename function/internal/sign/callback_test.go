package sign

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

const testCallbackURL = "https://up.example.com/callback"

func TestTicketAsksOSSToCallBack(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Config.Callback.URL = testCallbackURL })
	w := f.do(request{method: "POST", path: "/sign", user: "alice", body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":100}]}`})
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	fields := decodeUploads(t, w.Body.Bytes())[0].Fields
	raw, err := base64.StdEncoding.DecodeString(fields["callback"])
	if err != nil {
		t.Fatalf("callback field %q: %v", fields["callback"], err)
	}
	var cb map[string]string
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"callbackUrl": testCallbackURL, "callbackBody": callbackTemplate, "callbackBodyType": "application/json"}
	if d := cmp.Diff(want, cb); d != "" {
		t.Errorf("callback (-want +got):\n%s", d)
	}
	for _, v := range []string{"bucket", "object", "etag", "size", "mimeType", "x:uploader", "x:profile"} {
		if !strings.Contains(cb["callbackBody"], "${"+v+"}") {
			t.Errorf("callbackBody lacks ${%s}", v)
		}
	}
	if fields[varUploader] != "alice" || fields[varProfile] != "avatar" {
		t.Errorf("variables: got %q %q, want alice avatar", fields[varUploader], fields[varProfile])
	}
	// The policy pins the callback and its variables: a form that changes
	// or drops them does not match the signed policy.
	_, conds := policyDoc(t, fields["policy"])
	for _, c := range [][]any{{"eq", "$callback", fields["callback"]}, {"eq", "$x:uploader", "alice"}, {"eq", "$x:profile", "avatar"}} {
		found := false
		for _, got := range conds {
			found = found || cmp.Equal(got, c)
		}
		if !found {
			t.Errorf("policy lacks %v", c)
		}
	}
}

func TestTicketWithoutCallback(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do(request{method: "POST", path: "/sign", user: "alice", body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":100}]}`})
	fields := decodeUploads(t, w.Body.Bytes())[0].Fields
	if _, ok := fields["callback"]; ok {
		t.Errorf("a ticket without a configured callback carries one: %q", fields["callback"])
	}
}

// fakeRecorder records calls and answers a record of the key.
type fakeRecorder struct {
	mu   sync.Mutex
	keys []string
}

func (r *fakeRecorder) Record(_ context.Context, bucket, key, etag string) (records.Record, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, key)
	return records.Record{ID: records.ID(bucket, key), Bucket: bucket, Key: key, ETag: etag, Status: records.StatusOK,
		Size: 68, DetectedType: "image/png", Uploader: "alice", Profile: "avatar"}, nil
}

// keyServer serves the PEM public key of k at /key.pem.
func keyServer(t *testing.T, k *rsa.PrivateKey) *httptest.Server {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(pemKey) }))
	t.Cleanup(s.Close)
	return s
}

// ossSign returns OSS's callback headers for a POST of body to path,
// signed with k, naming keyURL.
func ossSign(t *testing.T, k *rsa.PrivateKey, keyURL, path, body string) map[string]string {
	t.Helper()
	u, _ := url.Parse(path)
	p, _ := url.PathUnescape(u.EscapedPath())
	s := p
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	sum := md5.Sum([]byte(s + "\n" + body))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.MD5, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"Authorization":     base64.StdEncoding.EncodeToString(sig),
		"X-Oss-Pub-Key-Url": base64.StdEncoding.EncodeToString([]byte(keyURL)),
		"Content-Type":      "application/json",
	}
}

func TestCallback(t *testing.T) {
	ossKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := keyServer(t, ossKey)
	offHost := keyServer(t, ossKey)                     // the same key, on a host not allowed
	noKey := httptest.NewServer(http.NotFoundHandler()) // an allowed host without the key
	defer noKey.Close()
	goodURL := good.URL + "/key.pem"
	offURL := strings.Replace(offHost.URL, "127.0.0.1", "localhost", 1) + "/key.pem"
	key := testLayout.UploadKey("avatar", "alice", testNow, "00000000-0000-4000-8000-000000000001", ".png")
	other := testLayout.UploadKey("avatar", "alice", testNow, "00000000-0000-4000-8000-000000000002", ".png")
	body := func(bucket, k string) string {
		return `{"bucket":"` + bucket + `","object":"` + k + `","etag":"0123456789ABCDEF0123456789ABCDEF","size":68,"mimeType":"image/png","uploader":"alice","profile":"avatar"}`
	}
	signed := ossSign(t, ossKey, goodURL, "/callback", body("test-bucket", key))
	tests := []struct {
		name     string
		header   map[string]string
		body     string
		status   int
		recorded bool
	}{
		{"signed by OSS", signed, body("test-bucket", key), 200, true},
		{"size as a string", ossSign(t, ossKey, goodURL, "/callback", strings.Replace(body("test-bucket", key), `68`, `"68"`, 1)), strings.Replace(body("test-bucket", key), `68`, `"68"`, 1), 200, true},
		{"no signature", map[string]string{"Content-Type": "application/json"}, body("test-bucket", key), 403, false},
		{"forged signature", ossSign(t, otherKey, goodURL, "/callback", body("test-bucket", key)), body("test-bucket", key), 403, false},
		{"key on another host", ossSign(t, ossKey, offURL, "/callback", body("test-bucket", key)), body("test-bucket", key), 403, false},
		{"replayed for another key", signed, body("test-bucket", other), 403, false},
		{"signed for another path", ossSign(t, ossKey, goodURL, "/elsewhere", body("test-bucket", key)), body("test-bucket", key), 403, false},
		{"another bucket, signed", ossSign(t, ossKey, goodURL, "/callback", body("other-bucket", key)), body("other-bucket", key), 403, false},
		{"not an upload key, signed", ossSign(t, ossKey, goodURL, "/callback", body("test-bucket", "records/x.json")), body("test-bucket", "records/x.json"), 403, false},
		{"signed, not JSON", ossSign(t, ossKey, goodURL, "/callback", "key=a"), "key=a", 400, false},
		{"key cannot be fetched", ossSign(t, ossKey, noKey.URL+"/key.pem", "/callback", body("test-bucket", key)), body("test-bucket", key), 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fakeRecorder{}
			f := newFixture(t, func(o *Options) {
				o.Config.Callback.URL = testCallbackURL
				o.Config.Callback.KeyHosts = []string{"gosspublic.alicdn.com", strings.TrimPrefix(good.URL, "http://"), strings.TrimPrefix(noKey.URL, "http://")}
				o.Recorder = rec
			})
			w := f.do(request{method: "POST", path: "/callback", body: tt.body, header: tt.header})
			if w.Code != tt.status {
				t.Fatalf("status: got %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if got := len(rec.keys) > 0; got != tt.recorded {
				t.Fatalf("recorded: got %v (%v), want %v", got, rec.keys, tt.recorded)
			}
			if !tt.recorded {
				if e := errorOf(t, w); e.Error.Code != wire.CodeForbidden && e.Error.Code != wire.CodeBadRequest && e.Error.Code != wire.CodeInternal {
					t.Errorf("code: got %q", e.Error.Code)
				}
				return
			}
			var a wire.CallbackAnswer
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			if a.Record.Key != key || a.Record.Status != records.StatusOK || a.Record.DetectedType != "image/png" || a.Record.Size != 68 {
				t.Errorf("answer: %+v", a.Record)
			}
		})
	}
}

func TestCallbackKeyIsCached(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var fetched int
	var mu sync.Mutex
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		fetched++
		mu.Unlock()
		_, _ = w.Write(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}))
	defer s.Close()
	rec := &fakeRecorder{}
	f := newFixture(t, func(o *Options) {
		o.Config.Callback.KeyHosts = []string{strings.TrimPrefix(s.URL, "http://")}
		o.Recorder = rec
	})
	key := testLayout.UploadKey("avatar", "alice", testNow, "00000000-0000-4000-8000-000000000001", ".png")
	b := `{"bucket":"test-bucket","object":"` + key + `","etag":"E","size":1}`
	for range 3 {
		if w := f.do(request{method: "POST", path: "/callback", body: b, header: ossSign(t, k, s.URL+"/k.pem", "/callback", b)}); w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	if fetched != 1 {
		t.Errorf("key fetched %d times, want 1", fetched)
	}
}
