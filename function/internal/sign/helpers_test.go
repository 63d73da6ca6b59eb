package sign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

var (
	testSecret = []byte("test-secret-not-real-0123456789abcdef")
	testNow    = time.Date(2026, 11, 25, 13, 14, 15, 0, time.UTC)
	testCreds  = creds.Credentials{AccessKeyID: "STS.testAccessKeyId", AccessKeySecret: "testAccessKeySecret", SecurityToken: "testSecurityToken"}
)

// testConfig is a sign configuration with the built-in profiles plus "tiny"
// (text/plain, 2..10 bytes, 1 s expiry, 204) and "multi" (3 files).
func testConfig(t testing.TB) config.Config {
	t.Helper()
	profiles := strings.TrimSuffix(strings.TrimSpace(config.DefaultProfiles), "}") +
		`, "tiny": {"types": ["text/plain"], "minSize": 2, "maxSize": 10, "expiry": "1s", "successActionStatus": 204},
		   "multi": {"types": ["image/png", "application/pdf"], "maxSize": 1000, "maxFiles": 3}}`
	env := map[string]string{
		config.VarBucket: "test-bucket", config.VarRegion: "cn-hangzhou", config.VarJWTSecret: string(testSecret),
		config.VarProfiles: profiles, config.VarCORSOrigins: "https://app.example.com",
	}
	c, err := config.Load(config.Sign, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return c
}

// token returns a valid HS256 bearer header for user.
func token(t testing.TB, user string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: user, IssuedAt: jwt.NewNumericDate(testNow), ExpiresAt: jwt.NewNumericDate(testNow.Add(time.Hour)),
	}).SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

// fakeStores serves one memory store to every request, or err, and
// remembers which users were listed.
type fakeStores struct {
	*memstore.Store
	mu    sync.Mutex
	asked []string
	err   error
}

func (f *fakeStores) StoreFor(context.Context) (records.Store, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f, nil
}

func (f *fakeStores) List(ctx context.Context, user string, q records.Query) (records.Page, error) {
	f.mu.Lock()
	f.asked = append(f.asked, user)
	f.mu.Unlock()
	return f.Store.List(ctx, user, q)
}

// fakeObjects records the keys DELETE /uploads/{id} deleted.
type fakeObjects struct {
	mu      sync.Mutex
	deleted []string
	err     error
}

func (f *fakeObjects) delete(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.deleted = append(f.deleted, key)
	return nil
}

// opener serves the fixture's memory store; OSS calls go to the bucket of
// oss when set (a local OSS), and deletes to objects. Initiations are
// counted in initiated, and fail with failInitiate when it is set.
type opener struct {
	stores       *fakeStores
	objects      *fakeObjects
	oss          *ossclient.Opener
	initiated    *atomic.Int64
	failInitiate *atomic.Pointer[error]
}

func (o opener) Store(ctx context.Context) (records.Store, error) { return o.stores.StoreFor(ctx) }

func (o opener) OSS(ctx context.Context) (OSS, error) {
	c := fixtureOSS{objects: o.objects, initiated: o.initiated, failInitiate: o.failInitiate}
	if o.oss != nil {
		b, err := o.oss.Bucket(ctx)
		if err != nil {
			return nil, err
		}
		c.Multipart = ossclient.Multipart{Bucket: b}
	}
	return c, nil
}

// fixtureOSS makes the multipart calls on a real bucket (nil without a
// local OSS) and deletes through fakeObjects.
type fixtureOSS struct {
	ossclient.Multipart
	objects      *fakeObjects
	initiated    *atomic.Int64
	failInitiate *atomic.Pointer[error]
}

func (c fixtureOSS) Initiate(key string, in ossclient.Initiation) (string, error) {
	c.initiated.Add(1)
	if err := c.failInitiate.Load(); err != nil {
		return "", *err
	}
	return c.Multipart.Initiate(key, in)
}

func (c fixtureOSS) Delete(key string) error { return c.objects.delete(key) }

type fixture struct {
	t            testing.TB
	h            *Handler
	logs         *bytes.Buffer
	stores       *fakeStores
	objects      *fakeObjects
	initiated    atomic.Int64          // InitiateMultipartUpload calls
	failInitiate atomic.Pointer[error] // set: every initiation fails so
}

// clock is a settable clock for Options.Now.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(at time.Time) *clock {
	c := &clock{}
	c.set(at)
	return c
}

func (c *clock) now() time.Time   { return *c.t.Load() }
func (c *clock) set(at time.Time) { c.t.Store(&at) }

// newFixture returns a handler over testConfig with a fixed clock,
// sequential object ids and a JSON log in memory; mod may change options.
func newFixture(t testing.TB, mod func(*Options)) *fixture {
	t.Helper()
	v, err := auth.FromConfig(context.Background(), config.Auth{Secret: testSecret}, auth.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, logs: &bytes.Buffer{}, stores: &fakeStores{Store: memstore.New()}, objects: &fakeObjects{}}
	var mu sync.Mutex
	n := 0
	o := Options{
		Config: testConfig(t), Auth: v, Open: opener{stores: f.stores, objects: f.objects, initiated: &f.initiated, failInitiate: &f.failInitiate}, Now: func() time.Time { return testNow },
		NewID: func() (string, error) {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n), nil
		},
		Logger: slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&o)
	}
	f.h, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// request is one request to the fixture's handler. Only method and path
// are required.
type request struct {
	method, path string
	authz        string // the Authorization header; "" sends none
	user         string // send a valid token of user as authz
	body         string
	json         any // marshalled as the body
	header       map[string]string
	// The invocation in the request's context: info when set, else the
	// test credentials, creds instead when set, none with noCreds.
	info    *invocation.Info
	creds   *creds.Credentials
	noCreds bool
}

// do serves r and returns the answer.
func (f *fixture) do(r request) *httptest.ResponseRecorder {
	f.t.Helper()
	body := r.body
	if r.json != nil {
		b, err := json.Marshal(r.json)
		if err != nil {
			f.t.Fatal(err)
		}
		body = string(b)
	}
	info := invocation.Info{Credentials: testCreds}
	switch {
	case r.info != nil:
		info = *r.info
	case r.creds != nil:
		info.Credentials = *r.creds
	case r.noCreds:
		info.Credentials = creds.Credentials{}
	}
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
	req = req.WithContext(invocation.NewContext(req.Context(), info))
	if r.user != "" {
		r.authz = token(f.t, r.user)
	}
	if r.authz != "" {
		req.Header.Set("Authorization", r.authz)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// errorOf decodes a JSON error body.
func errorOf(t testing.TB, w *httptest.ResponseRecorder) wire.ErrorBody {
	t.Helper()
	var b wire.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	return b
}

var _ http.Handler = (*Handler)(nil)

// testLayout names the objects as the handler does for testConfig.
var testLayout = upload.Layout{Prefixes: config.Prefixes{Upload: "uploads", Records: "records", Quarantine: "quarantine"}}

// anonymousAuth accepts every caller as anonymous.
type anonymousAuth struct{}

func (anonymousAuth) Authenticate(context.Context, string) (auth.Identity, error) {
	return auth.Identity{User: auth.Anonymous, Anonymous: true}, nil
}

// outcome is what most tests compare of an answer: its status, the
// error's code and quota fields (zero on a success) and its Retry-After.
type outcome struct {
	Status     int
	Code       string
	Exceeded   string
	RetryAfter string
}

// outcomeOf returns the outcome of w.
func outcomeOf(t testing.TB, w *httptest.ResponseRecorder) outcome {
	t.Helper()
	o := outcome{Status: w.Code, RetryAfter: w.Header().Get("Retry-After")}
	if w.Code >= 400 {
		e := errorOf(t, w).Error
		o.Code, o.Exceeded = e.Code, e.Exceeded
	}
	return o
}
