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
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/upload"
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

func (f *fakeObjects) DeleteObject(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.deleted = append(f.deleted, key)
	return nil
}

type fixture struct {
	h       *Handler
	logs    *bytes.Buffer
	stores  *fakeStores
	objects *fakeObjects
}

// newFixture returns a handler over testConfig with a fixed clock,
// sequential object ids and a JSON log in memory; mod may change options.
func newFixture(t testing.TB, mod func(*Options)) *fixture {
	t.Helper()
	v, err := auth.FromConfig(context.Background(), config.Auth{Secret: testSecret}, auth.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{logs: &bytes.Buffer{}, stores: &fakeStores{Store: memstore.New()}, objects: &fakeObjects{}}
	var mu sync.Mutex
	n := 0
	o := Options{
		Config: testConfig(t), Auth: v, Store: f.stores, Objects: f.objects, Now: func() time.Time { return testNow },
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

// do sends a request with the test credentials in its context.
func (f *fixture) do(method, path, authz, body string, hdr map[string]string) *httptest.ResponseRecorder {
	return f.send(method, path, authz, body, hdr, true)
}

// doCreds sends a request with or without the test credentials.
func (f *fixture) doCreds(method, path, authz, body string, withCreds bool) *httptest.ResponseRecorder {
	return f.send(method, path, authz, body, nil, withCreds)
}

func (f *fixture) send(method, path, authz, body string, hdr map[string]string, withCreds bool) *httptest.ResponseRecorder {
	c := testCreds
	if !withCreds {
		c = creds.Credentials{}
	}
	return f.sendWith(method, path, authz, body, hdr, c)
}

// sendCreds sends a request signed with c.
func (f *fixture) sendCreds(method, path, authz, body string, c creds.Credentials) *httptest.ResponseRecorder {
	return f.sendWith(method, path, authz, body, nil, c)
}

func (f *fixture) sendWith(method, path, authz, body string, hdr map[string]string, c creds.Credentials) *httptest.ResponseRecorder {
	return f.invoke(method, path, authz, body, hdr, invocation.Info{Credentials: c})
}

// invoke sends a request whose context carries info, as the FC adapter
// puts it there.
func (f *fixture) invoke(method, path, authz, body string, hdr map[string]string, info invocation.Info) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r = r.WithContext(invocation.NewContext(r.Context(), info))
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// errorOf decodes a JSON error body.
func errorOf(t testing.TB, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	var b errorBody
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
