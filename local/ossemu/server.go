// Package ossemu is a strict local Alibaba Cloud OSS endpoint for tests and
// `make run`: PostObject with V4 POST policies (verified by its own code),
// the object API the official clients use (V1 and V4 header signatures,
// presigned V1 and V4 URLs, conditional GET, multipart upload), CORS, and
// OSS trigger events. It keeps
// objects on disk, written atomically. See CONFORMANCE.md for what it
// emulates and which test covers each behaviour.
package ossemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// Credential is an AccessKey pair the server accepts. A non-empty
// SecurityToken makes it an STS credential: requests must then carry exactly
// that token. A zero Expires never expires.
type Credential struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	Expires                                     time.Time
}

// Trigger is an OSS trigger on a bucket: objects whose key has Prefix and
// Suffix, created by one of Events ("ObjectCreated:PostObject", with or
// without the "oss:" prefix; "ObjectCreated:*" matches all creations), are
// reported by calling Deliver with the OSS event JSON.
type Trigger struct {
	Prefix, Suffix string
	Events         []string
	Deliver        func(ctx context.Context, event []byte) error
}

// Config configures a Server. DataDir, Region and Buckets are required.
// MaxObjectSize 0 means 5 GiB (the OSS limit); CORSOrigins lists the origins
// browsers may upload from ("*" for any); Now defaults to time.Now and
// Logger to a discarding logger.
type Config struct {
	DataDir, Region string
	Buckets         []string
	MaxObjectSize   int64
	CORSOrigins     []string
	Now             func() time.Time
	Logger          *slog.Logger
	// CallbackTimeout bounds an upload callback (default
	// DefaultCallbackTimeout); CallbackKeyURL is the public-key URL its
	// signatures name (default: CallbackKeyPath on the address the upload
	// came in on). See callback.go.
	CallbackTimeout time.Duration
	CallbackKeyURL  string
}

// DefaultMaxObjectSize is the OSS limit for one PutObject or PostObject.
const DefaultMaxObjectSize = 5 << 30

// Server is an http.Handler answering OSS requests for the configured
// buckets. Its methods are safe for concurrent use.
type Server struct {
	cfg   Config
	store *disk.Store
	log   *slog.Logger

	mu       sync.RWMutex
	creds    map[string]Credential
	triggers map[string][]Trigger
	// corsRules are the buckets' own CORS rules (PutBucketCors), cors.go
	corsRules map[string][]corsRule

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	pending atomic.Int64

	appendMu sync.Mutex // serialises AppendObject

	requests counter
	cb       callbackSigner
}

// New checks cfg, creates the bucket directories under cfg.DataDir, removes
// temp files a previous run left there and returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" || cfg.Region == "" || len(cfg.Buckets) == 0 {
		return nil, errors.New("ossemu: DataDir, Region and Buckets are required")
	}
	for _, b := range cfg.Buckets {
		if !validBucketName(b) {
			return nil, fmt.Errorf("ossemu: invalid bucket name %q", b)
		}
	}
	if cfg.MaxObjectSize <= 0 {
		cfg.MaxObjectSize = DefaultMaxObjectSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := disk.New(cfg.DataDir, cfg.Buckets)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg: cfg, store: st, log: cfg.Logger,
		creds: map[string]Credential{}, triggers: map[string][]Trigger{}, corsRules: map[string][]corsRule{},
		ctx: ctx, cancel: cancel,
	}, nil
}

// AddCredential makes c valid for every bucket, replacing any credential with
// the same AccessKeyID.
func (s *Server) AddCredential(c Credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[c.AccessKeyID] = c
}

// AddTrigger adds t to bucket's triggers.
func (s *Server) AddTrigger(bucket string, t Trigger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.triggers[bucket] = append(s.triggers[bucket], t)
}

// Close cancels the context of running event deliveries and waits for them
// to return. The handler must not be used afterwards.
func (s *Server) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Server) credential(ak string) (Credential, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.creds[ak]
	return c, ok
}

// ServeHTTP answers one OSS request. Every answer carries x-oss-request-id
// and, for an allowed Origin, the CORS headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newRequestID()
	w.Header().Set("x-oss-request-id", id)
	w.Header().Set("Server", "AliyunOSS")
	w.Header().Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat))
	bucket, key, ok := s.address(r)
	if s.cors(w, r, bucket) {
		s.requests.add("Other")
		return
	}
	if r.URL.Path == CallbackKeyPath && r.Method == http.MethodGet {
		s.servePublicKey(w, r)
		return
	}
	if !ok {
		s.requests.add("Other")
		writeError(w, r, errNoSuchBucket())
		return
	}
	bits, err := trafficLimit(r)
	if err != nil {
		s.requests.add("Other")
		writeError(w, r, err.(*Error))
		return
	}
	if bits > 0 {
		w = throttle(w, r, bits)
	}
	req := &request{w: w, r: r, bucket: bucket, key: key, id: id}
	if p := unsupported(r.Method, key, r.URL.Query()); p != "" {
		s.requests.add("Other")
		err = errUnsupported("?" + p)
	} else {
		s.requests.add(operation(r, key))
		err = s.route(req)
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			s.log.Error("ossemu: internal error", "err", err, "requestId", id)
			e = errorf(http.StatusInternalServerError, "InternalError", "", "We encountered an internal error. Please try again.")
		}
		writeError(w, r, e)
	}
}

// request is one request being served, addressed to bucket and key.
type request struct {
	w           http.ResponseWriter
	r           *http.Request
	bucket, key string
	id          string
}

func (s *Server) route(q *request) error {
	if q.key == "" {
		return s.routeBucket(q)
	}
	m, v := q.r.Method, q.r.URL.Query()
	switch {
	case v.Has("tagging"):
		return s.tagging(q)
	case v.Has("acl"):
		return s.objectACL(q)
	case v.Has("symlink"):
		return s.symlink(q)
	case isMultipart(v):
		return s.routeMultipart(q, v)
	case m == http.MethodPut && q.r.Header.Get("x-oss-copy-source") != "":
		return s.copyObject(q)
	case m == http.MethodPut:
		return s.putObject(q)
	case m == http.MethodGet || m == http.MethodHead:
		return s.getObject(q)
	case m == http.MethodDelete:
		return s.deleteObject(q)
	case m == http.MethodPost && v.Has("append"):
		return s.appendObject(q)
	case m == http.MethodPost && v.Has("x-oss-process"):
		return s.processSave(q)
	case m == http.MethodPost && v.Has("restore"):
		return s.restoreObject(q)
	case m == http.MethodPost:
		return errorf(http.StatusNotImplemented, "NotImplemented", "", msgNotImplemented)
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

// writeXML answers 200 with v as an XML document.
func writeXML(q *request, v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return fmt.Errorf("ossemu: encode answer: %w", err)
	}
	q.w.Header().Set("Content-Type", "application/xml")
	q.w.WriteHeader(http.StatusOK)
	_, _ = q.w.Write(append([]byte(xml.Header), standInsToControlRefs(body)...))
	return nil
}

// routeBucket routes the requests on the bucket itself: PostObject,
// DeleteMultipleObjects, ListMultipartUploads and the listings.
func (s *Server) routeBucket(q *request) error {
	m, v := q.r.Method, q.r.URL.Query()
	switch {
	case v.Has("cors"):
		return s.bucketCORS(q)
	case m == http.MethodPost && v.Has("delete"):
		return s.deleteMultiple(q)
	case m == http.MethodPost && q.r.URL.RawQuery == "":
		return s.postObject(q)
	case m == http.MethodGet && v.Has("uploads"):
		return s.listUploads(q)
	case m == http.MethodGet:
		return s.listObjects(q)
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

// routeMultipart routes the multipart upload requests on a key.
func (s *Server) routeMultipart(q *request, v url.Values) error {
	switch m := q.r.Method; {
	case m == http.MethodPost && v.Has("uploads"):
		return s.initiateMultipart(q)
	case m == http.MethodPost:
		return s.completeMultipart(q)
	case m == http.MethodPut && v.Has("partNumber"):
		return s.uploadPart(q)
	case m == http.MethodGet && v.Has("uploadId"):
		return s.listParts(q)
	case m == http.MethodDelete && v.Has("uploadId"):
		return s.abortMultipart(q)
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "", msgMethodNotAllow)
}

// address finds the bucket and key of r: virtual-host style when the first
// label of a non-IP Host names a configured bucket, else path style
// (/bucket/key). It reports false for an unknown bucket.
func (s *Server) address(r *http.Request) (bucket, key string, ok bool) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) == nil {
		if label, _, found := strings.Cut(host, "."); found && slices.Contains(s.cfg.Buckets, label) {
			return label, strings.TrimPrefix(r.URL.Path, "/"), true
		}
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucket, key, slices.Contains(s.cfg.Buckets, bucket)
}

func validBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 || b[0] == '-' || b[len(b)-1] == '-' {
		return false
	}
	for _, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// newRequestID returns 24 upper-case hex digits, the shape of OSS request ids.
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
