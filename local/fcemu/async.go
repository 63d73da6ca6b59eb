package fcemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// AsyncConfig configures the event queue behind InvokeAsync: FC 3.0's
// asynchronous invocation settings (the fc3 component's asyncInvokeConfig)
// and test modes. Zero values are FC's defaults.
//
// FC retries an event whose invocation failed (the function returned an
// error, panicked, crashed or timed out) maxAsyncRetryAttempts times, drops
// an event older than maxAsyncEventAgeInSeconds, and then hands it, with
// its context, to the onFailure destination if one is configured, else
// discards it; a successful invocation goes to onSuccess ("Retry policies",
// "Result callback" in FC's documentation).
type AsyncConfig struct {
	QueueSize int // events accepted but not finished (retries included); default 1000
	Workers   int // concurrent deliveries; default the number of instances

	// MaxRetries is maxAsyncRetryAttempts: retries after a failed
	// delivery, 0 to 8 in FC. 0 means FC's default, 3; negative means
	// none (maxAsyncRetryAttempts: 0; see FromFC3).
	MaxRetries int
	// MaxEventAge is maxAsyncEventAgeInSeconds: an event is not delivered
	// again once this long has passed since it was accepted; it fails with
	// ConditionEventAgeExceeded. Default 18000 s, the fc3 component's
	// default (FC allows 1 s to 2592000 s).
	MaxEventAge time.Duration
	// RetryBase is the delay before the first retry, doubled for each
	// retry after it (FC: "retries start 0.5 seconds after a failure; the
	// wait intervals double"); default 500ms. Tests shorten it.
	RetryBase time.Duration
	RetryMax  time.Duration // a cap on the retry delay; 0 = none

	// OnSuccess and OnFailure are the destinations: each gets a
	// DestinationPayload (JSON) of every event that succeeded, or that was
	// given up, asynchronously. nil discards, as FC does without one.
	OnSuccess, OnFailure Destination

	// Test modes. Duplicate delivers every event twice (two independent
	// deliveries). ReorderWindow > 1 shuffles events in windows of that many
	// (a partial window is flushed after ReorderDelay, default 20ms).
	Duplicate     bool
	ReorderWindow int
	ReorderDelay  time.Duration
	Seed          uint64 // shuffle seed
}

// Destination receives destination payloads: an Emulator of another
// function (FC allows event functions as destinations) or a DestinationFunc.
type Destination interface {
	InvokeAsync(payload []byte) error
}

// DestinationFunc makes a function a Destination.
type DestinationFunc func(payload []byte) error

// InvokeAsync calls f.
func (f DestinationFunc) InvokeAsync(payload []byte) error { return f(payload) }

// Conditions of a DestinationPayload: why an event went to a destination.
// The two error types are FC's (its "Basics" of error handling); the age
// condition is this emulator's name for an event given up for its age.
const (
	ConditionNone             = ""                         // succeeded (onSuccess)
	ConditionHandledError     = "HandledInvocationError"   // the function returned an error or panicked
	ConditionUnhandledError   = "UnhandledInvocationError" // it crashed, timed out or answered something malformed
	ConditionEventAgeExceeded = "EventAgeExceeded"         // older than MaxEventAge before it succeeded
)

// DestinationPayload is what a destination receives, as FC's "Result
// callback" documentation shows it: the original event as a string, the
// request's context (its id, the function's ARN, why it came, how often it
// was invoked) and the last response.
type DestinationPayload struct {
	Timestamp       string              `json:"timestamp"` // when it was given up or succeeded, e.g. 2020-08-20T12:00:00.000Z
	RequestContext  DestinationRequest  `json:"requestContext"`
	RequestPayload  string              `json:"requestPayload"`
	ResponseContext DestinationResponse `json:"responseContext"`
	ResponsePayload string              `json:"responsePayload"`
}

// DestinationRequest is a DestinationPayload's requestContext.
type DestinationRequest struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"` // acs:fc:{region}:{account}:functions/{name}
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// DestinationResponse is a DestinationPayload's responseContext.
type DestinationResponse struct {
	StatusCode    int    `json:"statusCode"`
	FunctionError string `json:"functionError"` // the condition of a failure, else ""
}

// AsyncStats counts the queue's work since Start.
type AsyncStats struct {
	Accepted  int // deliveries accepted (an event counts twice under Duplicate)
	Delivered int // deliveries the function completed without error
	Retried   int // failed deliveries scheduled again
	Failed    int // deliveries given up after the last retry or for their age
	Expired   int // of Failed, those given up for their age
	Pending   int // accepted and not yet delivered or failed
	// Destined counts the payloads handed to OnSuccess or OnFailure;
	// Undestined those a destination refused (logged).
	Destined, Undestined int
}

type asyncEvent struct {
	id       string // the request id, kept across retries
	payload  []byte
	retry    int
	accepted time.Time
	invoked  int // invocations so far
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
	if c.MaxEventAge <= 0 {
		c.MaxEventAge = DefaultMaxEventAge
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 500 * time.Millisecond
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

// DefaultMaxEventAge is the fc3 component's default maxAsyncEventAgeInSeconds.
const DefaultMaxEventAge = 18000 * time.Second

// InvokeAsync queues payload for at-least-once delivery: a delivery that
// fails (function error, crash, timeout) is retried with exponential backoff
// and an incremented x-fc-retry-count, up to AsyncConfig.MaxRetries times
// and while the event is younger than AsyncConfig.MaxEventAge; then it goes
// to AsyncConfig.OnFailure. Every delivery of an event carries its request
// id.
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
		ev := asyncEvent{id: uuid.NewString(), payload: payload, accepted: a.e.cfg.Now()}
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
	if age := a.e.cfg.Now().Sub(ev.accepted); age > a.cfg.MaxEventAge {
		a.mu.Lock()
		a.stats.Expired++
		a.giveUpLocked(ev, ConditionEventAgeExceeded, nil, fmt.Errorf("fcemu: event %s old, past the maximum age %s", age.Round(time.Millisecond), a.cfg.MaxEventAge))
		a.mu.Unlock()
		return
	}
	ev.invoked++
	res, err := a.e.run(a.ctx, newCallID(ev.id, ev.payload, ev.retry))
	if a.ctx.Err() != nil {
		return // closing: the event is dropped, as an instance loss would
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil {
		a.stats.Delivered++
		a.stats.Pending--
		a.destineLocked(a.cfg.OnSuccess, ev, ConditionNone, res.Payload)
		return
	}
	cond, body := failure(err)
	if ev.retry >= a.cfg.MaxRetries {
		a.giveUpLocked(ev, cond, body, err)
		return
	}
	a.stats.Retried++
	delay := a.cfg.RetryBase << ev.retry
	if a.cfg.RetryMax > 0 {
		delay = min(delay, a.cfg.RetryMax)
	}
	a.e.log.Warn("fcemu: async event failed; retrying", "requestId", ev.id, "retry", ev.retry+1, "in", delay.String(), "error", err.Error())
	next := ev
	next.retry++
	time.AfterFunc(delay, func() {
		select {
		case a.q <- next:
		case <-a.ctx.Done():
		}
	})
}

// giveUpLocked ends ev as failed and hands it to OnFailure.
func (a *asyncQueue) giveUpLocked(ev asyncEvent, cond string, body []byte, err error) {
	a.stats.Failed++
	a.stats.Pending--
	a.e.log.Error("fcemu: async event failed; giving up", "requestId", ev.id, "retries", ev.retry,
		"condition", cond, "destination", a.cfg.OnFailure != nil, "error", err.Error())
	a.destineLocked(a.cfg.OnFailure, ev, cond, body)
}

// destineLocked hands ev's DestinationPayload to d, if any.
func (a *asyncQueue) destineLocked(d Destination, ev asyncEvent, cond string, response []byte) {
	if d == nil {
		return
	}
	p := DestinationPayload{
		Timestamp: a.e.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: DestinationRequest{
			RequestID: ev.id, Condition: cond, ApproximateInvokeCount: ev.invoked,
			FunctionArn: fmt.Sprintf("acs:fc:%s:%s:functions/%s", a.e.cfg.Region, a.e.cfg.AccountID, a.e.cfg.Name),
		},
		RequestPayload:  string(ev.payload),
		ResponseContext: DestinationResponse{StatusCode: http.StatusOK, FunctionError: cond},
		ResponsePayload: string(response),
	}
	b, err := json.Marshal(p)
	if err == nil {
		err = d.InvokeAsync(b)
	}
	if err != nil {
		a.stats.Undestined++
		a.e.log.Error("fcemu: destination refused the event", "requestId", ev.id, "condition", cond, "error", err.Error())
		return
	}
	a.stats.Destined++
}

// failure returns the condition of a failed invocation and the response a
// destination is given: the function's error object, or the emulator's.
func failure(err error) (string, []byte) {
	var fe *FunctionError
	if errors.As(err, &fe) {
		b, _ := json.Marshal(fe)
		return ConditionHandledError, b
	}
	b, _ := json.Marshal(FunctionError{Type: "UnhandledInvocationError", Message: err.Error()})
	return ConditionUnhandledError, b
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
