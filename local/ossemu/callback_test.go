package ossemu

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// callbackReceiver is an application server receiving OSS callbacks: it
// verifies each with the public key its x-oss-pub-key-url names (code of
// its own, as OSS's "Callback" page describes the check) and answers
// status with {"ok":true,"body":<what it got>}.
type callbackReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []receivedCallback
	status int
	delay  time.Duration
}

type receivedCallback struct {
	Body, ContentType, Host string
	Verified                bool
}

func newCallbackReceiver(t *testing.T) *callbackReceiver {
	c := &callbackReceiver{status: http.StatusOK}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc := receivedCallback{Body: string(body), ContentType: r.Header.Get("Content-Type"), Host: r.Host, Verified: verifyOSSCallback(r, body) == nil}
		c.mu.Lock()
		c.got = append(c.got, rc)
		status, delay := c.status, c.delay
		c.mu.Unlock()
		time.Sleep(delay)
		answer, _ := json.Marshal(map[string]any{"ok": rc.Verified, "body": rc.Body})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *callbackReceiver) last(t *testing.T) receivedCallback {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) == 0 {
		t.Fatal("no callback received")
	}
	return c.got[len(c.got)-1]
}

// verifyOSSCallback checks r's signature: RSA over MD5(url_decode(path) +
// query + "\n" + body) with the PEM key fetched from x-oss-pub-key-url.
func verifyOSSCallback(r *http.Request, body []byte) error {
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	keyURL, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-pub-key-url"))
	if err != nil {
		return err
	}
	res, err := http.Get(string(keyURL))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	p, _ := io.ReadAll(res.Body)
	blk, _ := pem.Decode(p)
	if blk == nil {
		return io.ErrUnexpectedEOF
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return err
	}
	path, _ := url.PathUnescape(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	sum := md5.Sum([]byte(path + "\n" + string(body)))
	return rsa.VerifyPKCS1v15(k.(*rsa.PublicKey), crypto.MD5, sum[:], sig)
}

func encodeB64JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// jsonCallback asks for a JSON callback to u.
func jsonCallback(t *testing.T, u string) string {
	return encodeB64JSON(t, map[string]string{
		"callbackUrl":      u + "/cb/%E4%B8%AD?a=1",
		"callbackBody":     `{"bucket":${bucket},"object":${object},"etag":${etag},"size":${size},"mimeType":${mimeType},"who":${x:who}}`,
		"callbackBodyType": "application/json",
	})
}

// answerOf decodes the receiver's answer relayed by OSS and the callback
// body inside it.
func answerOf(t *testing.T, b []byte) (bool, map[string]any) {
	t.Helper()
	var a struct {
		OK   bool   `json:"ok"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(a.Body), &body); err != nil {
		t.Fatalf("callback body %q: %v", a.Body, err)
	}
	return a.OK, body
}

func TestCallbackPostObject(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, now, nil)
	rcv := newCallbackReceiver(t)
	cb := jsonCallback(t, rcv.srv.URL)
	g := stsForm("cb/a.png", now, [2]string{"callback", cb}, [2]string{"x:who", "alice"}, [2]string{"success_action_status", "204"}, [2]string{"Content-Type", "image/png"})
	body, ct := multipartBody(t, g.fields(t), fileOf(pngData))
	resp, answer := f.post(t, body, ct)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("got %d %q %s, want 200 with the callback's JSON", resp.StatusCode, resp.Header.Get("Content-Type"), answer)
	}
	ok, got := answerOf(t, answer)
	if !ok {
		t.Error("the receiver could not verify the callback's signature")
	}
	want := map[string]any{"bucket": testBucket, "object": "cb/a.png", "etag": strings.Trim(resp.Header.Get("ETag"), `"`),
		"size": float64(len(pngData)), "mimeType": "image/png", "who": "alice"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("callback body %s: got %v, want %v", k, got[k], v)
		}
	}
	if rc := rcv.last(t); rc.ContentType != "application/json" {
		t.Errorf("callback Content-Type: got %q", rc.ContentType)
	}
	// The callback field is a form field like any other: a form that
	// sends it unpinned by the policy is refused, as every field is.
	g2 := stsForm("cb/b.png", now)
	fields := append(g2.fields(t), [2]string{"callback", cb})
	body, ct = multipartBody(t, fields, fileOf(pngData))
	if resp, b := f.post(t, body, ct); resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "Extra input fields: callback") {
		t.Errorf("unpinned callback: got %d %s, want 403 Extra input fields", resp.StatusCode, b)
	}
}

func TestCallbackFailureAnswers203(t *testing.T) {
	now := time.Now().UTC()
	tests := []struct {
		name   string
		status int
		delay  time.Duration
	}{
		{"callback answers 500", http.StatusInternalServerError, 0},
		{"callback too slow", http.StatusOK, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, now, func(c *Config) { c.CallbackTimeout = 200 * time.Millisecond })
			rcv := newCallbackReceiver(t)
			rcv.status, rcv.delay = tt.status, tt.delay
			b := sdkBucket(t, f, testAK, testSecret, "")
			var answer []byte
			err := b.PutObject("cb/fail.txt", strings.NewReader("hello"), oss.Callback(jsonCallback(t, rcv.srv.URL)),
				oss.CallbackVar(encodeB64JSON(t, map[string]string{"x:who": "bob"})), oss.CallbackResult(&answer))
			var se oss.ServiceError
			if !errors.As(err, &se) || se.StatusCode != 203 || se.Code != "CallbackFailed" {
				t.Fatalf("got %v, want 203 CallbackFailed", err)
			}
			if ok, _ := b.IsObjectExist("cb/fail.txt"); !ok {
				t.Error("the object is gone after a failed callback; OSS keeps it")
			}
		})
	}
}

func TestCallbackGoSDKs(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, now, nil)
	rcv := newCallbackReceiver(t)
	vars := encodeB64JSON(t, map[string]string{"x:who": "carol"})
	for _, m := range authModes {
		t.Run("v3 PutObject "+m.name, func(t *testing.T) {
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			var answer []byte
			if err := b.PutObject("cb/v3-"+m.name+".txt", strings.NewReader("hello"), oss.Callback(jsonCallback(t, rcv.srv.URL)),
				oss.CallbackVar(vars), oss.CallbackResult(&answer)); err != nil {
				t.Fatal(err)
			}
			ok, got := answerOf(t, answer)
			if !ok || got["object"] != "cb/v3-"+m.name+".txt" || got["who"] != "carol" || got["size"] != float64(5) {
				t.Errorf("answer: verified %v, body %v", ok, got)
			}
		})
		t.Run("v3 CompleteMultipartUpload "+m.name, func(t *testing.T) {
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			key := "cb/mp-" + m.name + ".bin"
			imur, err := b.InitiateMultipartUpload(key)
			if err != nil {
				t.Fatal(err)
			}
			part, err := b.UploadPart(imur, bytes.NewReader([]byte("one part")), 8, 1)
			if err != nil {
				t.Fatal(err)
			}
			var answer []byte
			if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{part}, oss.Callback(jsonCallback(t, rcv.srv.URL)),
				oss.CallbackVar(vars), oss.CallbackResult(&answer)); err != nil {
				t.Fatal(err)
			}
			ok, got := answerOf(t, answer)
			if !ok || got["object"] != key || got["size"] != float64(8) {
				t.Errorf("answer: verified %v, body %v", ok, got)
			}
		})
	}
	t.Run("v2 PutObject", func(t *testing.T) {
		cfg := oss2.LoadDefaultConfig().WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testAK, testSecret)).
			WithRegion(testRegion).WithEndpoint(f.http.URL).WithUsePathStyle(true)
		c := oss2.NewClient(cfg)
		res, err := c.PutObject(context.Background(), &oss2.PutObjectRequest{
			Bucket: oss2.Ptr(testBucket), Key: oss2.Ptr("cb/v2.txt"), Body: strings.NewReader("hi v2"),
			Callback: oss2.Ptr(jsonCallback(t, rcv.srv.URL)), CallbackVar: oss2.Ptr(vars),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.CallbackResult["ok"] != true {
			t.Errorf("CallbackResult: %v", res.CallbackResult)
		}
	})
}

func TestCallbackRefusesMalformed(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, now, nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	for _, tt := range []struct{ name, callback, vars string }{
		{"not base64", "%%%", ""},
		{"not json", base64.StdEncoding.EncodeToString([]byte("nope")), ""},
		{"no body", encodeB64JSON(t, map[string]string{"callbackUrl": "http://127.0.0.1:1/"}), ""},
		{"bad body type", encodeB64JSON(t, map[string]string{"callbackUrl": "http://127.0.0.1:1/", "callbackBody": "a", "callbackBodyType": "text/xml"}), ""},
		{"bad sni", encodeB64JSON(t, map[string]any{"callbackUrl": "http://127.0.0.1:1/", "callbackBody": "a", "callbackSNI": 123}), ""},
		{"upper-case variable", encodeB64JSON(t, map[string]string{"callbackUrl": "http://127.0.0.1:1/", "callbackBody": "a"}), encodeB64JSON(t, map[string]string{"x:Who": "a"})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := []oss.Option{oss.Callback(tt.callback)}
			if tt.vars != "" {
				opts = append(opts, oss.CallbackVar(tt.vars))
			}
			err := b.PutObject("cb/bad-"+strings.ReplaceAll(tt.name, " ", "-"), strings.NewReader("x"), opts...)
			if serviceCode(err) != "InvalidArgument" {
				t.Errorf("got %v, want InvalidArgument", err)
			}
			if ok, _ := b.IsObjectExist("cb/bad-" + strings.ReplaceAll(tt.name, " ", "-")); ok {
				t.Error("stored despite the refused callback")
			}
		})
	}
}
