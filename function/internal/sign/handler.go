// Package sign is the sign function's HTTP core, a plain http.Handler:
// POST /sign answers upload tickets (V4 POST policies signed with the
// invocation's credentials) within the profile's quota, GET /uploads lists
// the caller's records, GET and DELETE /uploads/{id} show and delete one,
// GET /quota tells what is left, POST and DELETE
// /uploads/multipart[/parts|/complete] run multipart uploads (multipart.go),
// GET /healthz answers probes. The FC adapter lives in
// function/internal/fcadapter.
package sign

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// Authenticator checks the Authorization header of a request.
type Authenticator interface {
	Authenticate(ctx context.Context, header string) (auth.Identity, error)
}

// Options configures a Handler. Config (validated by package config) and
// Auth are required.
type Options struct {
	Config config.Config
	Auth   Authenticator
	// Open opens each request's record store and OSS calls: it serves
	// GET and DELETE /uploads, GET /quota, the multipart endpoints and
	// the quotas of POST /sign. nil leaves those routes out (and a profile
	// with a quota or rate refuses every call).
	Open Opener
	// Fallback supplies credentials when the request context carries none
	// (see creds.Resolve); nil means none, so such a request gets 503.
	Fallback creds.Fallback
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID returns a random object id; nil means a UUID v4.
	NewID func() (string, error)
	// Logger receives one JSON line per request; nil discards.
	Logger *slog.Logger
	// Recorder records the uploads OSS calls POST /callback about; nil
	// leaves that route out.
	Recorder Recorder
	// KeyClient fetches OSS's callback public keys; nil means a client
	// with a short timeout that follows no redirect.
	KeyClient *http.Client
	// Notify, when set, tells the app of a record its owner deleted
	// (package webhook); an error is logged, the delete stands.
	Notify func(ctx context.Context, r records.Record) error
}

// Handler is the sign function's http.Handler. It is safe for concurrent use.
type Handler struct {
	o      Options
	layout upload.Layout
	routes map[string]route
	fixed  map[string]*fixedConditions // by profile name
	keys   *keyCache                   // OSS's callback public keys
}

// route is one path: the methods it serves besides OPTIONS, and how.
type route map[string]func(http.ResponseWriter, *http.Request, *entry) error

// allow is the route's Allow header value: its methods in order, then
// OPTIONS.
func (rt route) allow() string {
	return strings.Join(slices.Sorted(maps.Keys(rt)), ", ") + ", OPTIONS"
}

// New returns a Handler for o.
func New(o Options) (*Handler, error) {
	if o.Auth == nil {
		return nil, errors.New("sign: no Authenticator")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = newUUID
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{o: o, layout: upload.Layout{Prefixes: o.Config.Prefixes}, fixed: make(map[string]*fixedConditions, len(o.Config.Profiles))}
	for name, p := range o.Config.Profiles {
		h.fixed[name] = newFixedConditions(o.Config.OSS.Bucket, p, o.Config.Callback.URL)
	}
	h.routes = map[string]route{
		"/sign":    {http.MethodPost: h.sign},
		"/healthz": {http.MethodGet: h.healthz},
	}
	if o.Recorder != nil {
		h.keys = newKeyCache(o.Config.Callback.KeyHosts, o.KeyClient)
		h.routes[config.CallbackPath] = route{http.MethodPost: h.callback}
	}
	if o.Open != nil {
		h.routes["/uploads"] = route{http.MethodGet: h.uploads}
		h.routes["/quota"] = route{http.MethodGet: h.quota}
		h.addMultipartRoutes()
	}
	return h, nil
}

// ServeHTTP routes the request, answers CORS and errors, and logs one line.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := &entry{start: h.o.Now(), requestID: h.requestID(r), method: r.Method, path: r.URL.Path}
	w.Header().Set("X-Request-Id", e.requestID)
	e.status = h.serve(w, r, e)
	h.log(r.Context(), e)
}

// serve does the work of ServeHTTP and returns the status written.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, e *entry) int {
	preflight := h.cors(w, r) // before routing, so a browser can read every error
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		rt, ok = h.itemRoute(r)
	}
	if !ok {
		e.err = errorf(wire.CodeNotFound, "no such path %.100q", r.URL.Path)
		return writeError(w, e.err, e.requestID)
	}
	if r.Method == http.MethodOptions {
		if !preflight {
			w.Header().Set("Allow", rt.allow())
		}
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent
	}
	serveMethod, ok := rt[r.Method]
	if !ok {
		w.Header().Set("Allow", rt.allow())
		e.err = errorf(wire.CodeMethodNotAllowed, "%.16s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rt.allow())
		return writeError(w, e.err, e.requestID)
	}
	if err := serveMethod(w, r, e); err != nil {
		e.err = asError(err)
		return writeError(w, e.err, e.requestID)
	}
	if e.status != 0 { // a handler that answers other than 200 says so
		return e.status
	}
	return http.StatusOK
}

// newUUID returns a random (version 4) UUID read from crypto/rand, as
// uuid.NewRandom does, without its allocation of the 16 random bytes.
func newUUID() (string, error) {
	var u uuid.UUID
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant RFC 4122
	return u.String(), nil
}

// requestID is the invocation's request id (see package invocation) when
// it is a printable token of at most 128 bytes, else a fresh UUID.
func (h *Handler) requestID(r *http.Request) string {
	if id := invocation.FromContext(r.Context()).RequestID; id != "" && len(id) <= 128 && !strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
		return id
	}
	return uuid.NewString()
}

func (h *Handler) healthz(w http.ResponseWriter, _ *http.Request, _ *entry) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// authenticate checks the caller and records the user on e.
func (h *Handler) authenticate(r *http.Request, e *entry) (auth.Identity, error) {
	id, err := h.o.Auth.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		return auth.Identity{}, unauthenticated(err)
	}
	e.user = id.User
	return id, nil
}

// credentials resolves this request's credentials; none is a 503.
func (h *Handler) credentials(ctx context.Context) (creds.Credentials, error) {
	c, err := creds.Resolve(ctx, h.o.Fallback)
	if err != nil {
		return c, noCredentials(err)
	}
	return c, nil
}
