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
	"sync/atomic"
	"time"
)

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
	polls atomic.Int64 // runtime API next requests, for tests
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
