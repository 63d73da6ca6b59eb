// Package record is the record function's core: it turns OSS "object
// created" events into one record per upload (package records), exactly
// once, after checking the object against its profile and its declared type
// and quarantining it when it breaks either.
package record

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// Options are a Handler's collaborators. Open is required; the zero value
// of every other field is its default.
type Options struct {
	// Open returns the object API and the store for one invocation; it is
	// called at most once per invocation, and only when a record needs it.
	Open   func(ctx context.Context) (Objects, records.Store, error)
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
	// Moderators are the moderation providers by name
	// (config.ModerationAliyun, ...); every provider a profile uses must
	// be there.
	Moderators map[string]moderation.Provider
	// Notify, when set, tells the app of a record's change (package
	// webhook); it is called with the stored record once it is final (not
	// pending), also again for a duplicate event, and an error fails the
	// event so that FC delivers it again: at least once.
	Notify func(ctx context.Context, r records.Record) error
	// DeferModeration leaves moderation to the record function: a record
	// that needs a verdict is stored pending and returned, and no provider
	// is asked (Moderators may then be empty). The sign function's upload
	// callback records this way, so that an upload is moderated once, by
	// the record function, whichever of the callback and the event came
	// first.
	DeferModeration bool
}

// Handler records the objects of OSS trigger events.
type Handler struct {
	cfg    config.Config
	layout upload.Layout
	o      Options
}

// NewHandler returns the Handler of the validated record-function
// configuration cfg: its bucket, prefixes, profiles and quarantine mode.
func NewHandler(cfg config.Config, o Options) (*Handler, error) {
	if o.Open == nil {
		return nil, errors.New("record: no Open")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	for name, p := range cfg.Profiles {
		if m := p.Moderation; m.On() && !o.DeferModeration && o.Moderators[m.Provider] == nil {
			return nil, fmt.Errorf("record: profile %s moderates with %s, which is not set up", name, m.Provider)
		}
	}
	return &Handler{cfg: cfg, layout: upload.Layout{Prefixes: cfg.Prefixes}, o: o}, nil
}

// Handle processes one OSS trigger payload. It returns an error, so that FC
// redelivers the event, only when some record failed transiently (see
// Transient); malformed input, ignored events and permanent failures are
// logged and acknowledged. Each record is processed on its own: one bad
// record does not stop the others, and redelivery is idempotent.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) error {
	log := h.o.Logger
	if id := invocation.FromContext(ctx).RequestID; id != "" {
		log = log.With("requestId", id)
	}
	recs, err := DecodeEvent(payload)
	if err != nil {
		log.Warn("record: event dropped", "status", "malformed", "error", err.Error())
		return nil
	}
	s := &session{open: h.o.Open}
	var failed []error
	for _, r := range recs {
		l := log.With("bucket", r.OSS.Bucket.Name, "key", r.OSS.Object.Key, "event", r.Name)
		o := h.process(ctx, s, r)
		switch {
		case o.err != nil && Transient(o.err):
			failed = append(failed, o.err)
			l.Error("record: failed, will be retried", "status", o.status, "error", o.err.Error())
		case o.err != nil:
			l.Warn("record: dropped", "status", o.status, "error", o.err.Error())
		case o.status == statusIgnored:
			l.Debug("record: ignored", "status", o.status, "reason", o.detail)
		case o.status == statusSuperseded:
			l.Info("record: superseded", "status", o.status, "reason", o.detail)
		case o.reason != "":
			l.Warn("record: done", "status", o.status, "id", o.detail, "reason", o.reason)
		default:
			l.Info("record: done", "status", o.status, "id", o.detail)
		}
	}
	if failed != nil {
		return fmt.Errorf("record: %d of %d records failed: %w", len(failed), len(recs), errors.Join(failed...))
	}
	return nil
}

// session opens the invocation's object API and store once, on first use.
type session struct {
	open  func(ctx context.Context) (Objects, records.Store, error)
	once  sync.Once
	objs  Objects
	store records.Store
	err   error
}

func (s *session) get(ctx context.Context) (Objects, records.Store, error) {
	s.once.Do(func() { s.objs, s.store, s.err = s.open(ctx) })
	return s.objs, s.store, s.err
}
