package sign

import (
	"context"
	"log/slog"
	"time"
)

// entry collects what one request's log line says. It never holds a token
// or a credential.
type entry struct {
	start     time.Time
	requestID string
	method    string
	path      string
	user      string
	profile   string
	keys      []string
	status    int
	err       *Error
}

// log writes e as one JSON line: health probes at debug level, failures
// with their cause, server errors at error level.
func (h *Handler) log(ctx context.Context, e *entry) {
	level, outcome := slog.LevelInfo, "ok"
	switch {
	case e.status >= 500:
		level, outcome = slog.LevelError, "error"
	case e.err != nil:
		outcome = "rejected"
	case e.path == "/healthz":
		level = slog.LevelDebug
	}
	if !h.o.Logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 11) // every attribute below, one allocation
	attrs = append(attrs,
		slog.String("requestId", e.requestID), slog.String("method", e.method), slog.String("path", e.path),
		slog.Int("status", e.status), slog.String("outcome", outcome),
		slog.Duration("duration", h.o.Now().Sub(e.start)),
	)
	if e.user != "" {
		attrs = append(attrs, slog.String("user", e.user))
	}
	if e.profile != "" {
		attrs = append(attrs, slog.String("profile", e.profile))
	}
	if len(e.keys) > 0 {
		attrs = append(attrs, slog.Any("keys", keyList(e.keys)))
	}
	if e.err != nil {
		attrs = append(attrs, slog.String("code", e.err.Code))
		if e.err.Err != nil {
			attrs = append(attrs, slog.String("cause", e.err.Err.Error()))
		}
	}
	h.o.Logger.LogAttrs(ctx, level, "sign: request", attrs...)
}

// keyList is the keys attribute: a JSON array of strings, written without
// the reflection encoding/json would use on a []string.
type keyList []string

// MarshalJSON writes the keys as encoding/json would.
func (k keyList) MarshalJSON() ([]byte, error) {
	n := 2
	for _, s := range k {
		n += len(s) + 3
	}
	b := append(make([]byte, 0, n), '[')
	for i, s := range k {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']'), nil
}
