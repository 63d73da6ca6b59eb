// Package fcemu emulates the Function Compute (FC 3.0) Go runtime on
// 127.0.0.1 so the real compiled function binary runs locally exactly as it
// runs in FC: the emulator starts the code package's bootstrap with
// FC_RUNTIME_API set, serves the runtime API the binary's fc.Start loop talks
// to, and hands every invocation fresh STS-style credentials, a deadline, a
// timeout, a request id and a retry count in the documented x-fc-* headers.
//
// An Emulator runs several instances of one function; each instance takes at
// most one invocation at a time (like an FC standard instance). A crashed
// instance is restarted with a bounded backoff and its in-flight invocation
// fails with ErrCrashed; an invocation that outlives the timeout fails with
// ErrTimeout and its instance is killed and restarted. Three fronts use the
// instances: Invoke (synchronous), ServeHTTP (an FC 3.0 HTTP trigger) and
// InvokeAsync (an at-least-once event queue with retries, for OSS triggers).
package fcemu

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Credential is one set of STS-style credentials handed to an invocation.
type Credential struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	Expires                                     time.Time // informational; zero = never
}

// Config describes one function. Zero values are the documented defaults.
type Config struct {
	Name      string        // function name (x-fc-function-name, FC_FUNCTION_NAME); default "function"
	CodeDir   string        // required: the code package directory holding an executable bootstrap
	Env       []string      // the function's environment variables, KEY=VALUE; the host's are not inherited (except PATH)
	Instances int           // instances started; default 1
	Timeout   time.Duration // function timeout; default 60s; sent in whole seconds (rounded up)
	MemoryMB  int           // x-fc-function-memory; default 512
	Handler   string        // x-fc-function-handler; default "bootstrap"
	Region    string        // x-fc-region, FC_REGION; default "cn-hangzhou"
	AccountID string        // x-fc-account-id, FC_ACCOUNT_ID; default "1234567890123456"
	Qualifier string        // x-fc-qualifier; default "LATEST"

	// Credentials returns the credentials of one invocation; it is called
	// once per delivery (retries included) and may be nil (no credentials).
	Credentials func() Credential

	// MaxBodyBytes bounds an HTTP front request body; default 32 MiB (FC's
	// limit for synchronous invocations).
	MaxBodyBytes int64
	// DomainName is the requestContext.domainName of HTTP trigger events;
	// default the request's Host without port.
	DomainName string

	Async AsyncConfig // the event queue behind InvokeAsync

	StartTimeout   time.Duration // Start waits this long for every instance to poll; default 15s
	RestartBackoff time.Duration // first restart delay of a crashed instance; default 50ms, doubled up to 5s

	Output io.Writer        // function stdout/stderr, each line prefixed "[name#i] "; default io.Discard
	Logger *slog.Logger     // emulator events; default discards
	Now    func() time.Time // clock for deadlines and event times; default time.Now
}

// Errors of an invocation. Function errors are *FunctionError values.
var (
	ErrTimeout   = errors.New("fcemu: function timed out")
	ErrCrashed   = errors.New("fcemu: function instance exited during the invocation")
	ErrClosed    = errors.New("fcemu: emulator closed")
	ErrThrottled = errors.New("fcemu: no instance became free in time")
	ErrQueueFull = errors.New("fcemu: async queue full")
	ErrMalformed = errors.New("fcemu: malformed function result")
)

// FunctionError is the error the function reported (returned or panicked),
// as posted to the runtime API's error endpoint.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("fcemu: function error %s: %s", e.Type, e.Message)
}

// Emulator runs one function's instances and serves their runtime API. It is
// safe for concurrent use. ServeHTTP makes it the function's HTTP trigger.
type Emulator struct {
	cfg    Config
	log    *slog.Logger
	out    *lockedWriter
	ln     net.Listener
	srv    *http.Server
	calls  chan *call // unbuffered: a send is a hand-over to a polling instance
	done   chan struct{}
	closed sync.Once

	mu      sync.Mutex
	procs   map[string]*proc // by runtime API path token
	insts   []*instance
	closing bool

	async *asyncQueue
}

// Start starts the runtime API server and cfg.Instances instances, and waits
// until every instance polls for its first invocation. On error nothing is
// left running.
func Start(cfg Config) (*Emulator, error) {
	cfg = withDefaults(cfg)
	if cfg.CodeDir == "" {
		return nil, errors.New("fcemu: Config.CodeDir is required")
	}
	if _, err := os.Stat(filepath.Join(cfg.CodeDir, "bootstrap")); err != nil {
		return nil, fmt.Errorf("fcemu: code dir: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fcemu: listen: %w", err)
	}
	e := &Emulator{
		cfg:   cfg,
		log:   cfg.Logger.With("function", cfg.Name),
		out:   &lockedWriter{w: cfg.Output},
		ln:    ln,
		calls: make(chan *call),
		done:  make(chan struct{}),
		procs: map[string]*proc{},
	}
	e.srv = &http.Server{Handler: e.runtimeAPI(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	e.async = newAsyncQueue(e, cfg.Async)
	for i := range cfg.Instances {
		inst := &instance{e: e, idx: i, ready: make(chan struct{}), early: make(chan struct{})}
		e.insts = append(e.insts, inst)
		inst.start()
	}
	if err := e.waitReady(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func withDefaults(c Config) Config {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Name, "function")
	def(&c.Handler, "bootstrap")
	def(&c.Region, "cn-hangzhou")
	def(&c.AccountID, "1234567890123456")
	def(&c.Qualifier, "LATEST")
	if c.Instances <= 0 {
		c.Instances = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MemoryMB <= 0 {
		c.MemoryMB = 512
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 32 << 20
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 15 * time.Second
	}
	if c.RestartBackoff <= 0 {
		c.RestartBackoff = 50 * time.Millisecond
	}
	if c.Output == nil {
		c.Output = io.Discard
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// waitReady waits until every instance polled once; it fails as soon as a
// process exits before its instance was ready (a binary that cannot start).
func (e *Emulator) waitReady() error {
	timer := time.NewTimer(e.cfg.StartTimeout)
	defer timer.Stop()
	for i, in := range e.insts {
		select {
		case <-in.ready:
		case <-in.early:
			return fmt.Errorf("fcemu: %s instance %d exited before polling the runtime API (see its output)", e.cfg.Name, i)
		case <-timer.C:
			return fmt.Errorf("fcemu: %s instance %d did not poll the runtime API within %s (see its output)", e.cfg.Name, i, e.cfg.StartTimeout)
		}
	}
	return nil
}

// Name returns the function name.
func (e *Emulator) Name() string { return e.cfg.Name }

// Restarts returns how many times instances were restarted after exiting.
func (e *Emulator) Restarts() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, in := range e.insts {
		n += in.restarts
	}
	return n
}

// Close stops the async queue, kills every instance's process group, waits
// (bounded) for the processes to exit, then stops the runtime API server.
// Pending invocations fail with ErrClosed. Close is idempotent.
func (e *Emulator) Close() {
	e.closed.Do(func() {
		e.mu.Lock()
		e.closing = true
		insts := e.insts
		e.mu.Unlock()
		e.async.close()
		for _, in := range insts {
			in.stop()
		}
		close(e.done)
		_ = e.srv.Close()
	})
}

// isClosing reports whether Close has begun.
func (e *Emulator) isClosing() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.closing
}

// lockedWriter serialises writes from several instances' output copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
