// Package sweep is the sweep function's core: on each timer event it
// aborts the multipart uploads under the upload prefix that were initiated
// longer ago than the configured age, so uploads a client abandoned stop
// costing storage. Completed uploads are objects, not multipart uploads, and
// are never touched; nothing outside the upload prefix is listed.
package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// Uploads is what a sweep asks of OSS; ossclient.Multipart makes these
// calls.
type Uploads interface {
	Pending(prefix string, visit func([]ossclient.Pending) bool) error
	Abort(key, uploadID string) error
}

// Options configures a Handler. Open is required.
type Options struct {
	// Open returns the OSS calls of one invocation, made with the
	// credentials in ctx.
	Open func(ctx context.Context) (Uploads, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one JSON line per sweep, and one per failed abort;
	// nil discards.
	Logger *slog.Logger
}

// Handler runs sweeps. It is safe for concurrent use.
type Handler struct {
	prefix string
	age    time.Duration
	o      Options
}

// deadlineMargin is how long before the invocation's deadline a sweep
// stops starting aborts; the next timer event continues.
const deadlineMargin = 3 * time.Second

// New returns a Handler for the upload prefix and sweep age of cfg.
func New(cfg config.Config, o Options) (*Handler, error) {
	if o.Open == nil {
		return nil, errors.New("sweep: no Open")
	}
	if cfg.SweepAge <= 0 {
		return nil, errors.New("sweep: no sweep age in the configuration")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{prefix: cfg.Prefixes.Upload + "/", age: cfg.SweepAge, o: o}, nil
}

// Stats is what one sweep did.
type Stats struct {
	Listed  int  `json:"listed"`  // multipart uploads under the prefix
	Aborted int  `json:"aborted"` // older than the age, aborted now
	Gone    int  `json:"gone"`    // older, but completed or aborted meanwhile
	Failed  int  `json:"failed"`  // older, and the abort failed
	Stopped bool `json:"stopped"` // the deadline came before the listing ended
}

// timerEvent is the event of an FC timer trigger.
type timerEvent struct {
	TriggerTime string `json:"triggerTime"`
	TriggerName string `json:"triggerName"`
	Payload     string `json:"payload"`
}

// Handle runs one sweep for the event payload (an FC timer event; a sweep
// needs nothing from it, so any event, {} included, runs one). It returns
// an error when listing fails or an abort failed, so the platform retries;
// uploads completed or aborted meanwhile are not failures.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) error {
	var ev timerEvent
	_ = json.Unmarshal(payload, &ev) // only logged
	cutoff := h.o.Now().Add(-h.age)
	st, err := h.sweep(ctx, cutoff)
	level := slog.LevelInfo
	if err != nil || st.Failed > 0 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("trigger", ev.TriggerName), slog.String("triggerTime", ev.TriggerTime),
		slog.String("prefix", h.prefix), slog.Time("cutoff", cutoff.UTC()), slog.Int("listed", st.Listed),
		slog.Int("aborted", st.Aborted), slog.Int("gone", st.Gone), slog.Int("failed", st.Failed), slog.Bool("stopped", st.Stopped)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	h.o.Logger.LogAttrs(ctx, level, "sweep: done", attrs...)
	if err == nil && st.Failed > 0 {
		err = fmt.Errorf("sweep: %d of %d aborts failed", st.Failed, st.Failed+st.Aborted+st.Gone)
	}
	return err
}

// sweep aborts every upload under the prefix initiated before cutoff.
func (h *Handler) sweep(ctx context.Context, cutoff time.Time) (Stats, error) {
	var st Stats
	up, err := h.o.Open(ctx)
	if err != nil {
		return st, fmt.Errorf("sweep: %w", err)
	}
	err = up.Pending(h.prefix, func(page []ossclient.Pending) bool {
		for _, u := range page {
			if invocation.NearDeadline(ctx, deadlineMargin) {
				st.Stopped = true
				return false
			}
			st.Listed++
			if !u.Initiated.Before(cutoff) {
				continue
			}
			switch err := up.Abort(u.Key, u.UploadID); {
			case err == nil:
				st.Aborted++
			case errors.Is(err, ossclient.ErrNoSuchUpload):
				st.Gone++
			default:
				st.Failed++
				h.o.Logger.ErrorContext(ctx, "sweep: abort failed", "key", u.Key, "uploadId", u.UploadID, "error", err.Error())
			}
		}
		return true
	})
	if err != nil {
		return st, fmt.Errorf("sweep: %w", err)
	}
	return st, nil
}
