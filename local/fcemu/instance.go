package fcemu

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const maxRestartBackoff = 5 * time.Second

// instance is one slot of the function's scale: it runs one process at a
// time and starts a new one (after a backoff) when the process exits.
type instance struct {
	e         *Emulator
	idx       int
	ready     chan struct{} // closed on the first poll of any of its processes
	readyOnce sync.Once
	early     chan struct{} // closed when a process exits before the instance was ready
	earlyOnce sync.Once

	// guarded by e.mu
	cur      *proc
	restarts int
	backoff  time.Duration
}

// proc is one running process of an instance. Its token routes the runtime
// API calls of exactly this process.
type proc struct {
	inst    *instance
	token   string
	cmd     *exec.Cmd
	started time.Time
	slot    chan struct{} // capacity 1: held while an invocation is in flight
	exited  chan struct{}
	out     []*prefixWriter // none when the output is discarded

	mu       sync.Mutex
	dead     bool
	inflight *call
	timer    *time.Timer
}

// start launches a new process for the instance unless the emulator is
// closing; a launch failure schedules a restart like an exit would.
func (in *instance) start() {
	e := in.e
	p := &proc{inst: in, token: newToken(), slot: make(chan struct{}, 1), exited: make(chan struct{})}
	p.slot <- struct{}{}
	p.cmd = in.command(p.token)
	for _, w := range []io.Writer{p.cmd.Stdout, p.cmd.Stderr} {
		if pw, ok := w.(*prefixWriter); ok {
			p.out = append(p.out, pw)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return
	}
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		e.log.Error("fcemu: cannot start instance", "instance", in.idx, "error", err.Error())
		close(p.exited)
		in.earlyOnce.Do(func() { close(in.early) })
		in.scheduleRestartLocked(p)
		return
	}
	in.cur = p
	e.procs[p.token] = p
	go in.wait(p)
}

// command builds the bootstrap command of one process: its own process
// group, the code directory as working directory, and the function's
// environment plus the variables FC sets.
func (in *instance) command(token string) *exec.Cmd {
	e := in.e
	c := e.cfg
	cmd := exec.Command(filepath.Join(c.CodeDir, "bootstrap"))
	cmd.Dir = c.CodeDir
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	cmd.Env = append([]string{"PATH=" + path}, c.Env...)
	cmd.Env = append(cmd.Env,
		"FC_RUNTIME_API="+e.ln.Addr().String()+"/i/"+token,
		"FC_FUNCTION_NAME="+c.Name,
		"FC_FUNCTION_HANDLER="+c.Handler,
		"FC_FUNCTION_MEMORY_SIZE="+strconv.Itoa(c.MemoryMB),
		"FC_REGION="+c.Region,
		"FC_ACCOUNT_ID="+c.AccountID,
		"FC_INSTANCE_ID="+fmt.Sprintf("%s-%d-%s", c.Name, in.idx, token[:8]),
		"FC_FUNC_CODE_PATH="+c.CodeDir,
	)
	// Output that is discarded anyway goes to the null device: no pipe, and
	// no emulator goroutine woken (on the cores the instances use) to read
	// and drop every line the function writes.
	if c.Output != io.Discard {
		prefix := fmt.Sprintf("[%s#%d] ", c.Name, in.idx)
		cmd.Stdout = &prefixWriter{w: e.out, prefix: prefix}
		cmd.Stderr = &prefixWriter{w: e.out, prefix: prefix}
	}
	cmd.SysProcAttr = procAttr()
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// wait reaps p, fails its in-flight invocation and restarts the instance.
func (in *instance) wait(p *proc) {
	err := p.cmd.Wait()
	for _, w := range p.out {
		w.flush()
	}
	select {
	case <-in.ready:
	default:
		in.earlyOnce.Do(func() { close(in.early) })
	}
	p.mu.Lock()
	p.dead = true
	c := p.inflight
	p.inflight = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	if c != nil {
		c.finish(result{err: fmt.Errorf("%w: %v", ErrCrashed, err)})
	}
	e := in.e
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.procs, p.token)
	if in.cur == p {
		in.cur = nil
	}
	close(p.exited)
	if e.closing {
		return
	}
	e.log.Warn("fcemu: instance exited; restarting", "instance", in.idx, "status", fmt.Sprint(err))
	in.scheduleRestartLocked(p)
}

// scheduleRestartLocked starts a new process after a backoff that doubles
// while processes die young and resets after one lived 10s. e.mu is held.
func (in *instance) scheduleRestartLocked(p *proc) {
	base := in.e.cfg.RestartBackoff
	switch {
	case in.backoff == 0 || time.Since(p.started) > 10*time.Second:
		in.backoff = base
	default:
		in.backoff = min(2*in.backoff, maxRestartBackoff)
	}
	in.restarts++
	time.AfterFunc(in.backoff, in.start)
}

// stop kills the instance's process group and waits (up to 5s) for it.
func (in *instance) stop() {
	in.e.mu.Lock()
	p := in.cur
	in.e.mu.Unlock()
	if p == nil {
		return
	}
	p.kill()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		in.e.log.Error("fcemu: instance did not exit after SIGKILL", "instance", in.idx)
	}
}

// kill sends SIGKILL to the process group of p.
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

func (in *instance) markReady() { in.readyOnce.Do(func() { close(in.ready) }) }

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
