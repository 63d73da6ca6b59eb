// Package stack starts the whole ossgate stack offline on 127.0.0.1: the
// strict local OSS endpoint (ossemu), the sign function behind an FC 3.0
// HTTP trigger front, the record function fed by the bucket's OSS trigger
// through the emulator's async path, and the sweep function on a timer
// (sweep.go) — the real compiled binary, started through bootstrap, for
// every function (fcemu). It is the engine of `make run` and of the
// end-to-end tests in local/e2e.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/internal/shaper"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/greenemu"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/wxemu"
)

// UploadPrefix is the functions' OSSGATE_UPLOAD_PREFIX in every stack: the
// record trigger watches it.
const UploadPrefix = "uploads"

// Config configures a Stack. CodeDir and DataDir are required; every other
// zero value is the documented default.
type Config struct {
	CodeDir string // the code package: bootstrap + ossgate (make build: build/code)
	DataDir string // ossemu's object store (created if missing)
	Bucket  string // default "ossgate-local"
	Region  string // default "cn-hangzhou"

	SignPort, OSSPort int // 127.0.0.1 ports; 0 = a random free port

	SignInstances   int               // default 2
	RecordInstances int               // default 1
	SignTimeout     time.Duration     // default 10s
	RecordTimeout   time.Duration     // default 60s
	Events          fcemu.AsyncConfig // the record trigger's queue: retries, Duplicate, ReorderWindow
	// RecordAsync, when set, is the record function's asyncInvokeConfig
	// from s.yaml (fcemu.ReadFC3Async): its retries and maximum event age
	// replace Events', and its destination, the sweep (maintenance)
	// function ossgate-sweep, receives FC's destination payloads.
	RecordAsync *fcemu.FC3Async

	// Callback makes tickets ask the local OSS to call the sign function
	// back (OSSGATE_CALLBACK_URL: the sign front; OSSGATE_CALLBACK_KEY_HOST:
	// the local OSS, which serves its callback key), so an upload's answer
	// carries its record; off, the OSS trigger alone records.
	Callback bool

	Anonymous bool   // OSSGATE_ALLOW_ANONYMOUS=true: the sign function signs for anyone
	JWTSecret string // OSSGATE_JWT_SECRET (at least 32 bytes) when set

	// Env is added to both functions' environment after the stack's own
	// variables (so it overrides them); SignEnv and RecordEnv after that, per
	// function. "OSSGATE_FUNCTION=empty" in SignEnv runs the no-op function.
	Env, SignEnv, RecordEnv []string

	CORSOrigins []string // origins ossemu allows besides the demo page's
	DemoDir     string   // the clients/ directory (web/ and dist/package/); missing = placeholder page

	// Link, when set, puts a shaping proxy (internal/shaper) between the
	// clients and the OSS endpoint: the sign function hands out its address
	// (OSSGATE_ENDPOINT), so form posts and part PUTs cross it, while the
	// functions' own OSS calls go straight to the endpoint.
	Link *shaper.Config
	// SweepEvery invokes the sweep function that often, as its timer
	// trigger would; 0 never does (SweepNow still runs one). SweepEnv is
	// added to its environment after Env.
	SweepEvery time.Duration
	SweepEnv   []string

	Output io.Writer    // the functions' stdout/stderr, line-prefixed; default io.Discard
	Logger *slog.Logger // emulator and OSS events; default discards
}

// Stack is a running offline stack. Close stops it.
type Stack struct {
	SignURL string // the sign function's HTTP trigger, e.g. http://127.0.0.1:8080 (POST /sign)
	DemoURL string // the demo page, served on the sign front's port
	OSSURL  string // the OSS endpoint, path-style: OSSURL/Bucket/key
	Bucket  string
	Region  string
	DataDir string

	// OSSPublicURL is where clients reach the OSS endpoint: the shaping
	// proxy's address with Config.Link, else OSSURL.
	OSSPublicURL string

	OSS    *ossemu.Server
	Sign   *fcemu.Emulator // the sign function's instances
	Record *fcemu.Emulator // the record function's instances; Record.Drain waits for the trigger queue
	Sweep  *fcemu.Emulator // the sweep function's instance
	Link   *shaper.Proxy   // the shaping proxy with Config.Link, else nil
	// Green is the Content Moderation stand-in at GreenURL, started when a
	// profile moderates with aliyun (moderation.go); else nil.
	Green    *greenemu.Server
	GreenURL string
	// WeChat is the WeChat stand-in at WeChatURL, started when a profile
	// moderates with wechat; it pushes verdicts to the sign function.
	WeChat    *wxemu.Server
	WeChatURL string

	closers []func()
	sts     stsBook // the minted STS credentials (sts.go)
}

// Start starts ossemu, the record function and the sign function, in that
// order, and returns once every function instance polls for invocations.
// ctx bounds the start only. On error nothing is left running.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	cfg = withDefaults(cfg)
	if cfg.CodeDir == "" || cfg.DataDir == "" {
		return nil, errors.New("stack: CodeDir and DataDir are required")
	}
	s := &Stack{Bucket: cfg.Bucket, Region: cfg.Region, DataDir: cfg.DataDir}
	if err := s.start(ctx, cfg); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func withDefaults(c Config) Config {
	if c.Bucket == "" {
		c.Bucket = "ossgate-local"
	}
	if c.Region == "" {
		c.Region = "cn-hangzhou"
	}
	if c.SignInstances <= 0 {
		c.SignInstances = 2
	}
	if c.RecordInstances <= 0 {
		c.RecordInstances = 1
	}
	if c.SignTimeout <= 0 {
		c.SignTimeout = 10 * time.Second
	}
	if c.RecordTimeout <= 0 {
		c.RecordTimeout = 60 * time.Second
	}
	if c.Output == nil {
		c.Output = io.Discard
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (s *Stack) start(ctx context.Context, cfg Config) error {
	signLn, err := listen(cfg.SignPort)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { _ = signLn.Close() })
	ossLn, err := listen(cfg.OSSPort)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { _ = ossLn.Close() })
	s.SignURL = "http://" + signLn.Addr().String()
	s.DemoURL = s.SignURL + "/"
	s.OSSURL = "http://" + ossLn.Addr().String()
	s.OSSPublicURL = s.OSSURL

	if err := s.startOSS(cfg, ossLn); err != nil {
		return err
	}
	if err := s.startLink(cfg); err != nil {
		return err
	}
	mod, err := s.moderationEnv(cfg)
	if err != nil {
		return err
	}
	cfg.Env = append(mod, cfg.Env...) // what the caller sets wins
	// The sweep (maintenance) function first: it may be the record
	// function's onFailure destination.
	if err := s.startSweep(cfg); err != nil {
		return err
	}
	if cfg.Events, err = s.recordAsync(cfg); err != nil {
		return err
	}
	if s.Record, err = s.startFunction(cfg, "record", cfg.RecordInstances, cfg.RecordTimeout, cfg.RecordEnv); err != nil {
		return err
	}
	s.OSS.AddTrigger(cfg.Bucket, ossemu.Trigger{
		Prefix: UploadPrefix + "/",
		Events: []string{"ObjectCreated:PostObject", "ObjectCreated:PutObject", "ObjectCreated:CompleteMultipartUpload"},
		Deliver: func(_ context.Context, event []byte) error {
			return s.Record.InvokeAsync(event)
		},
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	if s.Sign, err = s.startFunction(cfg, "sign", cfg.SignInstances, cfg.SignTimeout, cfg.SignEnv); err != nil {
		return err
	}
	s.serve(signLn, frontHandler(s.Sign, cfg.DemoDir))
	return ctx.Err()
}

// startFunction starts the emulated function role ("sign" or "record") of
// the binary with the stack's environment, then cfg.Env, then extra.
func (s *Stack) startFunction(cfg Config, role string, instances int, timeout time.Duration, extra []string) (*fcemu.Emulator, error) {
	env := append(s.env(cfg), "OSSGATE_FUNCTION="+role)
	env = append(append(env, cfg.Env...), extra...)
	fc := fcemu.Config{
		Name: "ossgate-" + role, CodeDir: cfg.CodeDir, Instances: instances, Timeout: timeout, Env: env,
		Region: cfg.Region, Credentials: s.minter(), Output: cfg.Output, Logger: cfg.Logger,
	}
	if role == "record" {
		fc.Async = cfg.Events
	}
	if role == "sweep" {
		fc.Timeout = sweepTimeout
	}
	e, err := fcemu.Start(fc)
	if err != nil {
		return nil, fmt.Errorf("stack: %s function: %w", role, err)
	}
	s.closers = append(s.closers, e.Close)
	return e, nil
}

// startOSS creates the OSS endpoint; the demo page's origins may upload.
func (s *Stack) startOSS(cfg Config, ln net.Listener) error {
	_, signPort, _ := net.SplitHostPort(s.SignURL[len("http://"):])
	origins := append([]string{"http://127.0.0.1:" + signPort, "http://localhost:" + signPort}, cfg.CORSOrigins...)
	oss, err := ossemu.New(ossemu.Config{
		DataDir: cfg.DataDir, Region: cfg.Region, Buckets: []string{cfg.Bucket},
		CORSOrigins: origins, Logger: cfg.Logger,
	})
	if err != nil {
		return fmt.Errorf("stack: oss: %w", err)
	}
	s.OSS = oss
	s.closers = append(s.closers, func() { _ = oss.Close() })
	s.serve(ln, oss)
	return nil
}

// env is the functions' environment: the brief's variables for this stack.
func (s *Stack) env(cfg Config) []string {
	env := []string{
		"OSSGATE_BUCKET=" + cfg.Bucket,
		"OSSGATE_REGION=" + cfg.Region,
		"OSSGATE_ENDPOINT=" + s.OSSPublicURL,
		"OSSGATE_INTERNAL_ENDPOINT=" + s.OSSURL,
		"OSSGATE_UPLOAD_PREFIX=" + UploadPrefix,
		"OSSGATE_ALLOW_ANONYMOUS=" + strconv.FormatBool(cfg.Anonymous),
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
	}
	if cfg.JWTSecret != "" {
		env = append(env, "OSSGATE_JWT_SECRET="+cfg.JWTSecret)
	}
	if cfg.Callback {
		env = append(env, "OSSGATE_CALLBACK_URL="+s.SignURL, "OSSGATE_CALLBACK_KEY_HOST="+strings.TrimPrefix(s.OSSURL, "http://"))
	}
	return env
}

// serve serves h on ln until Close.
func (s *Stack) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	s.closers = append(s.closers, func() { _ = srv.Close() })
}

// Close stops everything, newest first: the HTTP fronts, the function
// processes (killed), the OSS endpoint. It is safe to call more than once.
func (s *Stack) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

func listen(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	return ln, nil
}
