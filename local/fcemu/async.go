package fcemu

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// AsyncConfig configures the event queue behind InvokeAsync. Zero values
// are the defaults.
type AsyncConfig struct {
	QueueSize  int           // events accepted but not finished (retries included); default 1000
	Workers    int           // concurrent deliveries; default the number of instances
	MaxRetries int           // retries after a failed delivery; 0 = 3 (FC's default), negative = none
	RetryBase  time.Duration // first retry delay, doubled per retry; default 1s
	RetryMax   time.Duration // retry delay cap; default 30s

	// Test modes. Duplicate delivers every event twice (two independent
	// deliveries). ReorderWindow > 1 shuffles events in windows of that many
	// (a partial window is flushed after ReorderDelay, default 20ms).
	Duplicate     bool
	ReorderWindow int
	ReorderDelay  time.Duration
	Seed          uint64 // shuffle seed
}

// AsyncStats counts the queue's work since Start.
type AsyncStats struct {
	Accepted  int // deliveries accepted (an event counts twice under Duplicate)
	Delivered int // deliveries the function completed without error
	Retried   int // failed deliveries scheduled again
	Failed    int // deliveries given up after the last retry
	Pending   int // accepted and not yet delivered or failed
}

type asyncEvent struct {
	payload []byte
	retry   int
}

type asyncQueue struct {
	e      *Emulator
	cfg    AsyncConfig
	q      chan asyncEvent
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	stats AsyncStats
	buf   []asyncEvent // reorder window
	flush *time.Timer
	rng   *rand.Rand
}

func newAsyncQueue(e *Emulator, c AsyncConfig) *asyncQueue {
	if c.QueueSize <= 0 {
		c.QueueSize = 1000
	}
	if c.Workers <= 0 {
		c.Workers = e.cfg.Instances
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 30 * time.Second
	}
	if c.ReorderDelay <= 0 {
		c.ReorderDelay = 20 * time.Millisecond
	}
	a := &asyncQueue{e: e, cfg: c, q: make(chan asyncEvent, c.QueueSize),
		rng: rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	for range c.Workers {
		a.wg.Go(a.work)
	}
	return a
}

// InvokeAsync queues payload for at-least-once delivery: a delivery that
// fails (function error, crash, timeout) is retried with exponential backoff
// and an incremented x-fc-retry-count, up to AsyncConfig.MaxRetries times.
// It returns ErrQueueFull when the queue is at capacity, ErrClosed after Close.
func (e *Emulator) InvokeAsync(payload []byte) error {
	return e.async.accept(payload)
}

// Drain waits until every accepted event is delivered or given up, or ctx
// ends (then it returns an error with the counts).
func (e *Emulator) Drain(ctx context.Context) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		s := e.AsyncStats()
		if s.Pending == 0 {
			return nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("fcemu: drain: %w (%+v)", ctx.Err(), s)
		}
	}
}

// AsyncStats returns the queue's counts.
func (e *Emulator) AsyncStats() AsyncStats {
	e.async.mu.Lock()
	defer e.async.mu.Unlock()
	return e.async.stats
}

func (a *asyncQueue) accept(payload []byte) error {
	n := 1
	if a.cfg.Duplicate {
		n = 2
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx.Err() != nil {
		return ErrClosed
	}
	if a.stats.Pending+n > a.cfg.QueueSize {
		return ErrQueueFull
	}
	a.stats.Accepted += n
	a.stats.Pending += n
	for range n {
		ev := asyncEvent{payload: payload}
		if a.cfg.ReorderWindow <= 1 {
			a.q <- ev // never blocks: len(q) <= Pending <= QueueSize
			continue
		}
		a.buf = append(a.buf, ev)
		if len(a.buf) >= a.cfg.ReorderWindow {
			a.flushLocked()
		} else if a.flush == nil {
			a.flush = time.AfterFunc(a.cfg.ReorderDelay, func() {
				a.mu.Lock()
				defer a.mu.Unlock()
				a.flushLocked()
			})
		}
	}
	return nil
}

// flushLocked shuffles the reorder window into the queue.
func (a *asyncQueue) flushLocked() {
	if a.flush != nil {
		a.flush.Stop()
		a.flush = nil
	}
	a.rng.Shuffle(len(a.buf), func(i, j int) { a.buf[i], a.buf[j] = a.buf[j], a.buf[i] })
	for _, ev := range a.buf {
		a.q <- ev
	}
	a.buf = nil
}

func (a *asyncQueue) work() {
	for {
		select {
		case ev := <-a.q:
			a.deliver(ev)
		case <-a.ctx.Done():
			return
		}
	}
}

func (a *asyncQueue) deliver(ev asyncEvent) {
	res, err := a.e.run(a.ctx, newCall(ev.payload, ev.retry))
	if a.ctx.Err() != nil {
		return // closing: the event is dropped, as an instance loss would
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil {
		a.stats.Delivered++
		a.stats.Pending--
		return
	}
	if ev.retry >= a.cfg.MaxRetries {
		a.stats.Failed++
		a.stats.Pending--
		a.e.log.Error("fcemu: async event failed; giving up", "requestId", res.RequestID, "retries", ev.retry, "error", err.Error())
		return
	}
	a.stats.Retried++
	delay := min(a.cfg.RetryBase<<ev.retry, a.cfg.RetryMax)
	a.e.log.Warn("fcemu: async event failed; retrying", "requestId", res.RequestID, "retry", ev.retry+1, "in", delay.String(), "error", err.Error())
	next := asyncEvent{payload: ev.payload, retry: ev.retry + 1}
	time.AfterFunc(delay, func() {
		select {
		case a.q <- next:
		case <-a.ctx.Done():
		}
	})
}

// close stops the workers; events still queued are dropped.
func (a *asyncQueue) close() {
	a.mu.Lock()
	a.cancel()
	if a.flush != nil {
		a.flush.Stop()
	}
	a.mu.Unlock()
	a.wg.Wait()
}
