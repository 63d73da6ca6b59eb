package sign

import (
	"context"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"
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
		slog.String("requestId", e.requestID), slog.String("method", logText(e.method)), slog.String("path", logText(e.path)),
		slog.Int("status", e.status), slog.String("outcome", outcome),
		slog.Duration("duration", h.o.Now().Sub(e.start)),
	)
	if e.user != "" {
		attrs = append(attrs, slog.String("user", logText(e.user)))
	}
	if e.profile != "" {
		attrs = append(attrs, slog.String("profile", logText(e.profile)))
	}
	if len(e.keys) > 0 {
		attrs = append(attrs, slog.Any("keys", keyList(e.keys)))
	}
	if e.err != nil {
		attrs = append(attrs, slog.String("code", e.err.Code))
		if e.err.Err != nil {
			attrs = append(attrs, slog.String("cause", logText(e.err.Err.Error())))
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

// maxLogValue is the most bytes of one request-controlled value a log line
// holds; logText cuts a longer one and says by how much.
const maxLogValue = 256

// logText returns s fit for a log line: at most maxLogValue bytes of it (cut
// at a rune boundary, followed by " …[+N bytes]" when cut), with every
// control or format character (Cc, Cf, Zl, Zp: line breaks, escape
// sequences, bidi overrides) written as a \uXXXX (or \UXXXXXXXX) escape, so
// that nothing a client sends can forge, hide or flood log lines; the JSON
// handler escapes the rest. Short printable ASCII, the common value, is
// returned as is.
func logText(s string) string {
	plainASCII := len(s) <= maxLogValue
	for i := 0; i < len(s) && plainASCII; i++ {
		plainASCII = s[i] >= ' ' && s[i] < 0x7f
	}
	if plainASCII {
		return s
	}
	b := make([]byte, 0, min(len(s), maxLogValue)+24)
	for i, r := range s {
		piece := utf8.AppendRune(nil, r)
		if hiddenRune(r) {
			piece = appendEscape(piece[:0], r)
		}
		if len(b)+len(piece) > maxLogValue {
			b = append(b, " …[+"...)
			b = strconv.AppendInt(b, int64(len(s)-i), 10)
			b = append(b, " bytes]"...)
			break
		}
		b = append(b, piece...)
	}
	return string(b)
}

// appendEscape appends r as \uXXXX, or \UXXXXXXXX beyond the BMP.
func appendEscape(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	digits := 4
	b = append(b, '\\', 'u')
	if r > 0xffff {
		digits = 8
		b[len(b)-1] = 'U'
	}
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b = append(b, hex[r>>shift&15])
	}
	return b
}
