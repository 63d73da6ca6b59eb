package record

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Limits are what an upload profile allows; the record function checks an
// object against the limits of the profile named in its metadata.
type Limits struct {
	Types            []string // allowed MIME types; empty allows any
	MinSize, MaxSize int64    // inclusive; a zero MaxSize means no upper bound
}

// Quarantine modes.
const (
	ModeMove = "move" // copy to {QuarantinePrefix}/{key}, then delete the original
	ModeTag  = "tag"  // tag the object ossgate-status=quarantined
)

// Config wires a Handler. Bucket, Open and Profile are required; the zero
// value of every other field is its default.
type Config struct {
	Bucket           string // the bucket served; events of other buckets are ignored
	UploadPrefix     string // default "uploads"; objects outside it are ignored
	RecordsPrefix    string // default "records"
	QuarantinePrefix string // default "quarantine"
	QuarantineMode   string // ModeMove (default) or ModeTag
	// Profile returns the limits of a profile name.
	Profile func(name string) (Limits, bool)
	// Open returns the object API and the store for one invocation; it is
	// called at most once per invocation, and only when a record needs it.
	Open   func(ctx context.Context) (Objects, Store, error)
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
}

// Handler records the objects of OSS trigger events.
type Handler struct{ cfg Config }

// NewHandler validates cfg and fills its defaults.
func NewHandler(cfg Config) (*Handler, error) {
	var missing []string
	if cfg.Bucket == "" {
		missing = append(missing, "Bucket")
	}
	if cfg.Open == nil {
		missing = append(missing, "Open")
	}
	if cfg.Profile == nil {
		missing = append(missing, "Profile")
	}
	if missing != nil {
		return nil, fmt.Errorf("record: config lacks %s", strings.Join(missing, ", "))
	}
	cfg.UploadPrefix = orDefault(strings.TrimSuffix(cfg.UploadPrefix, "/"), "uploads")
	cfg.RecordsPrefix = orDefault(strings.TrimSuffix(cfg.RecordsPrefix, "/"), "records")
	cfg.QuarantinePrefix = orDefault(strings.TrimSuffix(cfg.QuarantinePrefix, "/"), "quarantine")
	cfg.QuarantineMode = orDefault(cfg.QuarantineMode, ModeMove)
	if cfg.QuarantineMode != ModeMove && cfg.QuarantineMode != ModeTag {
		return nil, fmt.Errorf("record: quarantine mode %q, want %s or %s", cfg.QuarantineMode, ModeMove, ModeTag)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

type requestIDKey struct{}

// WithRequestID returns a copy of ctx whose invocation logs carry id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// Handle processes one OSS trigger payload. It returns an error, so that FC
// redelivers the event, only when some record failed transiently (see
// Transient); malformed input, ignored events and permanent failures are
// logged and acknowledged. Each record is processed on its own: one bad
// record does not stop the others, and redelivery is idempotent.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) error {
	log := h.cfg.Logger
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		log = log.With("requestId", id)
	}
	recs, err := DecodeEvent(payload)
	if err != nil {
		log.Warn("record: event dropped", "status", "malformed", "error", err.Error())
		return nil
	}
	s := &session{open: h.cfg.Open}
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
	open  func(ctx context.Context) (Objects, Store, error)
	once  sync.Once
	objs  Objects
	store Store
	err   error
}

func (s *session) get(ctx context.Context) (Objects, Store, error) {
	s.once.Do(func() { s.objs, s.store, s.err = s.open(ctx) })
	return s.objs, s.store, s.err
}
