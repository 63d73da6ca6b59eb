package fcemu

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Result is a successful invocation's outcome.
type Result struct {
	RequestID string
	Payload   []byte // the function's JSON result as posted to the runtime API
}

// call is one invocation travelling from a front to an instance and back.
type call struct {
	id      string
	payload []byte
	retry   int
	res     chan result // buffered 1; written once
	once    sync.Once
}

type result struct {
	payload []byte
	err     error
}

func newCall(payload []byte, retry int) *call {
	return newCallID(uuid.NewString(), payload, retry)
}

// newCallID is newCall with a given request id: every delivery of one async
// event carries the event's request id, as FC keeps it across retries.
func newCallID(id string, payload []byte, retry int) *call {
	return &call{id: id, payload: payload, retry: retry, res: make(chan result, 1)}
}

// finish delivers r to the waiting front; later calls are ignored.
func (c *call) finish(r result) {
	c.once.Do(func() { c.res <- r })
}

// Invoke runs payload synchronously on a free instance and returns the
// function's result. It fails with ErrThrottled when no instance is free
// within the function timeout, ErrTimeout when the function runs past it,
// ErrCrashed when the instance exits, *FunctionError when the function
// reports an error, ErrClosed after Close, or ctx's error.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) (Result, error) {
	return e.run(ctx, newCall(payload, 0))
}

// run hands c to a free instance and waits for its outcome.
func (e *Emulator) run(ctx context.Context, c *call) (Result, error) {
	if e.isClosing() {
		return Result{RequestID: c.id}, ErrClosed
	}
	wait := time.NewTimer(e.cfg.Timeout)
	defer wait.Stop()
	select {
	case e.calls <- c:
	case <-wait.C:
		return Result{RequestID: c.id}, ErrThrottled
	case <-ctx.Done():
		return Result{RequestID: c.id}, ctx.Err()
	case <-e.done:
		return Result{RequestID: c.id}, ErrClosed
	}
	// The call is now in an instance, whose timer bounds its execution.
	select {
	case r := <-c.res:
		return Result{RequestID: c.id, Payload: r.payload}, r.err
	case <-ctx.Done():
		c.finish(result{err: ctx.Err()})
		return Result{RequestID: c.id}, ctx.Err()
	case <-e.done:
		c.finish(result{err: ErrClosed})
		return Result{RequestID: c.id}, ErrClosed
	}
}
