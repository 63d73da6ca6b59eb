package fcemu

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxResultBytes bounds a result or error body posted by the function.
const maxResultBytes = 32<<20 + 1<<20

// runtimeAPI serves the FC runtime API (version 2020-11-11) under a per-process
// path token: FC_RUNTIME_API is "127.0.0.1:port/i/<token>", and the SDK
// appends "/2020-11-11/runtime/invocation/...".
func (e *Emulator) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	const base = "/i/{token}/2020-11-11/runtime/invocation/"
	mux.HandleFunc("GET "+base+"next", e.next)
	mux.HandleFunc("POST "+base+"{id}/response", e.complete)
	mux.HandleFunc("POST "+base+"{id}/error", e.complete)
	return mux
}

func (e *Emulator) procFor(r *http.Request) *proc {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.procs[r.PathValue("token")]
}

// next long-polls: it answers only when the process has no invocation in
// flight and a front hands one over, so a process never gets two at once
// and never spins (the SDK calls next again right after dispatching).
func (e *Emulator) next(w http.ResponseWriter, r *http.Request) {
	e.polls.Add(1)
	p := e.procFor(r)
	if p == nil {
		http.Error(w, "unknown runtime token", http.StatusNotFound)
		return
	}
	p.inst.markReady()
	select {
	case <-p.slot:
	case <-r.Context().Done():
		return
	case <-p.exited:
		return
	}
	select {
	case c := <-e.calls:
		if !p.dispatch(w, c) {
			e.handBack(c)
		}
	case <-r.Context().Done():
		p.slot <- struct{}{}
	case <-p.exited:
	case <-e.done:
	}
}

// handBack gives a call taken by a process that died meanwhile to another
// polling process, or fails it.
func (e *Emulator) handBack(c *call) {
	select {
	case e.calls <- c:
	default:
		c.finish(result{err: ErrCrashed})
	}
}

// dispatch records c as p's in-flight invocation, arms its timeout and
// writes it as the next invocation. It reports false if p already died.
func (p *proc) dispatch(w http.ResponseWriter, c *call) bool {
	e := p.inst.e
	p.mu.Lock()
	if p.dead {
		p.mu.Unlock()
		return false
	}
	p.inflight = c
	p.timer = time.AfterFunc(e.cfg.Timeout, func() { p.timeout(c) })
	p.mu.Unlock()

	var cred Credential
	if e.cfg.Credentials != nil {
		cred = e.cfg.Credentials()
	}
	h := w.Header()
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	deadline := e.cfg.Now().Add(e.cfg.Timeout)
	set("x-fc-request-id", c.id)
	set("x-fc-function-deadline", strconv.FormatInt(deadline.UnixMilli(), 10))
	set("x-fc-function-timeout", strconv.Itoa(int(math.Ceil(e.cfg.Timeout.Seconds()))))
	set("x-fc-access-key-id", cred.AccessKeyID)
	set("x-fc-access-key-secret", cred.AccessKeySecret)
	set("x-fc-security-token", cred.SecurityToken)
	set("x-fc-region", e.cfg.Region)
	set("x-fc-account-id", e.cfg.AccountID)
	set("x-fc-retry-count", strconv.Itoa(c.retry))
	set("x-fc-function-name", e.cfg.Name)
	set("x-fc-function-handler", e.cfg.Handler)
	set("x-fc-function-memory", strconv.Itoa(e.cfg.MemoryMB))
	set("x-fc-qualifier", e.cfg.Qualifier)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(len(c.payload)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(c.payload)
	return true
}

// timeout fails c with ErrTimeout if it is still in flight and kills the
// process (FC does not reuse an instance whose invocation timed out).
func (p *proc) timeout(c *call) {
	p.mu.Lock()
	if p.inflight != c {
		p.mu.Unlock()
		return
	}
	p.inflight = nil
	p.mu.Unlock()
	c.finish(result{err: fmt.Errorf("%w after %s", ErrTimeout, p.inst.e.cfg.Timeout)})
	p.kill()
}

// complete takes a posted result or error of the in-flight invocation.
func (e *Emulator) complete(w http.ResponseWriter, r *http.Request) {
	p := e.procFor(r)
	if p == nil {
		http.Error(w, "unknown runtime token", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResultBytes+1))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	c := p.inflight
	if c == nil || c.id != r.PathValue("id") {
		p.mu.Unlock()
		http.Error(w, "no such invocation in flight", http.StatusNotFound)
		return
	}
	p.inflight = nil
	p.timer.Stop()
	p.mu.Unlock()
	c.finish(toResult(r, body))
	p.slot <- struct{}{}
	w.WriteHeader(http.StatusOK)
}

func toResult(r *http.Request, body []byte) result {
	if len(body) > maxResultBytes {
		return result{err: fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxResultBytes)}
	}
	if strings.HasSuffix(r.URL.Path, "/response") {
		return result{payload: body}
	}
	fe := &FunctionError{}
	if err := json.Unmarshal(body, fe); err != nil || fe.Type == "" && fe.Message == "" {
		fe = &FunctionError{Type: "Unknown", Message: string(body)}
	}
	return result{err: fe}
}
