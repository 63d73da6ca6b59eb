// Package deadletter keeps the OSS events the record function gave up on and
// records them later. FC hands an asynchronous event whose retries ran out,
// or that grew older than its maximum age, to the function's onFailure
// destination with its context ("Result callback" in FC's documentation);
// the maintenance function is that destination. Keep writes what it is
// given, unchanged, under the dead-letter prefix; Retry, run by every
// maintenance pass, gives each kept event to the record function's handler
// again and removes it once the handler is done with it: recorded, or
// settled for good (the object is gone, the event malformed), which the
// handler logs. A failure that may pass keeps the letter for the next pass.
package deadletter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
)

// Dir is the segment under the records prefix that holds dead letters. No
// user's record segment is ever "_deadletter" (upload.RecordUserSegment
// escapes '_' as "_5F" and writes hex digits in upper case), so letters
// never mix with records, and they stay as private as records are.
const Dir = "_deadletter"

// Prefix returns the key prefix of dead letters, ending in "/".
func Prefix(p config.Prefixes) string { return p.Records + "/" + Dir + "/" }

// Letter is the part of FC's destination payload a retry uses.
type Letter struct {
	Timestamp      string  `json:"timestamp"`
	RequestContext Context `json:"requestContext"`
	// RequestPayload is the original event, as a string.
	RequestPayload  string `json:"requestPayload"`
	ResponsePayload string `json:"responsePayload"`
}

// Context is a Letter's requestContext.
type Context struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// Store is where letters are kept: objects in the bucket.
type Store interface {
	// Put writes key.
	Put(ctx context.Context, key string, body []byte) error
	// List calls visit with the keys under prefix, a page at a time, in
	// key order, until visit returns false.
	List(ctx context.Context, prefix string, visit func(keys []string) bool) error
	// Get returns the body of key.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// maxLetter bounds what Keep writes and Retry reads: an OSS trigger event
// is a few KB; FC's payload limit for asynchronous invocations is 128 KB.
const maxLetter = 1 << 20

// Keeper writes the letters FC delivers.
type Keeper struct {
	prefix string
	open   func(ctx context.Context) (Store, error)
	now    func() time.Time
	log    *slog.Logger
}

// NewKeeper returns a Keeper writing under Prefix(p) through the store open
// returns for each invocation.
func NewKeeper(p config.Prefixes, open func(ctx context.Context) (Store, error), logger *slog.Logger) *Keeper {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Keeper{prefix: Prefix(p), open: open, now: time.Now, log: logger}
}

// IsLetter reports whether payload is an FC destination payload rather
// than a trigger's event.
func IsLetter(payload []byte) bool {
	var probe struct {
		RequestContext *json.RawMessage `json:"requestContext"`
		RequestPayload *string          `json:"requestPayload"`
	}
	return json.Unmarshal(payload, &probe) == nil && probe.RequestContext != nil && probe.RequestPayload != nil
}

// Keep writes payload, as it came, at a key made of the time and its
// request id (a payload with no request id is named by its hash), so a
// redelivered letter overwrites itself. An error makes FC retry the
// delivery.
func (k *Keeper) Keep(ctx context.Context, payload []byte) error {
	if len(payload) > maxLetter {
		return fmt.Errorf("deadletter: a letter of %d bytes, more than %d", len(payload), maxLetter)
	}
	var l Letter
	_ = json.Unmarshal(payload, &l) // kept whatever it holds; named by what it says
	key := k.prefix + k.now().UTC().Format("20060102") + "/" + name(l.RequestContext.RequestID, payload) + ".json"
	st, err := k.open(ctx)
	if err == nil {
		err = st.Put(ctx, key, payload)
	}
	if err != nil {
		return fmt.Errorf("deadletter: keep %s: %w", key, err)
	}
	k.log.WarnContext(ctx, "deadletter: kept an event the record function gave up on", "key", key,
		"failedRequestId", l.RequestContext.RequestID, "condition", l.RequestContext.Condition,
		"invocations", l.RequestContext.ApproximateInvokeCount, "requestId", invocation.FromContext(ctx).RequestID)
	return nil
}

// name is a key segment for a letter: its request id when that is made of
// safe characters, else the first 32 hex digits of the payload's SHA-256.
func name(id string, payload []byte) string {
	safe := id != "" && len(id) <= 128 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" && id != "." && id != ".."
	if safe {
		return id
	}
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:16])
}

// Stats is what one Retry did.
type Stats struct {
	Listed  int  `json:"listed"`  // letters found
	Closed  int  `json:"closed"`  // recorded or settled for good, and removed
	Kept    int  `json:"kept"`    // failed again, kept for the next pass
	Stopped bool `json:"stopped"` // the deadline came before every letter was tried
}

// Retrier gives kept events to the record function's handler again.
type Retrier struct {
	prefix string
	// record is the record function's event handler: nil when the event is
	// done with, an error when a retry may succeed later.
	record func(ctx context.Context, event json.RawMessage) error
	log    *slog.Logger
}

// NewRetrier returns a Retrier of the letters under Prefix(p) that hands
// each event to record (record.Handler.Handle).
func NewRetrier(p config.Prefixes, record func(ctx context.Context, event json.RawMessage) error, logger *slog.Logger) *Retrier {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Retrier{prefix: Prefix(p), record: record, log: logger}
}

// deadlineMargin is how long before ctx's deadline Retry stops starting
// retries; the next pass continues.
const deadlineMargin = 5 * time.Second

// Retry tries every kept letter once, oldest first. A letter whose event
// the handler is done with is removed; one whose retry failed is kept and
// logged. The error reports a listing or a removal that failed.
func (r *Retrier) Retry(ctx context.Context, st Store) (Stats, error) {
	var s Stats
	var keys []string
	err := st.List(ctx, r.prefix, func(page []string) bool {
		keys = append(keys, page...)
		return true
	})
	if err != nil {
		return s, fmt.Errorf("deadletter: list %s: %w", r.prefix, err)
	}
	s.Listed = len(keys)
	var errs []error
	for _, key := range keys {
		if invocation.NearDeadline(ctx, deadlineMargin) {
			s.Stopped = true
			break
		}
		closed, err := r.one(ctx, st, key)
		switch {
		case err != nil:
			errs = append(errs, err)
		case closed:
			s.Closed++
		default:
			s.Kept++
		}
	}
	return s, errors.Join(errs...)
}

// one retries the letter at key and reports whether it was closed.
func (r *Retrier) one(ctx context.Context, st Store, key string) (bool, error) {
	body, err := st.Get(ctx, key)
	if err != nil {
		r.log.ErrorContext(ctx, "deadletter: cannot read a letter; kept", "key", key, "error", err.Error())
		return false, nil
	}
	event, l := eventOf(body)
	if err := r.record(ctx, event); err != nil {
		r.log.WarnContext(ctx, "deadletter: retry failed; kept for the next pass", "key", key,
			"failedRequestId", l.RequestContext.RequestID, "error", err.Error())
		return false, nil
	}
	if err := st.Delete(ctx, key); err != nil {
		return false, fmt.Errorf("deadletter: remove %s: %w", key, err)
	}
	r.log.InfoContext(ctx, "deadletter: closed (recorded, or settled as the record function logged)", "key", key,
		"failedRequestId", l.RequestContext.RequestID, "condition", l.RequestContext.Condition)
	return true, nil
}

// eventOf returns the event a letter holds: its requestPayload, or, for a
// body that is not a destination payload, the body itself.
func eventOf(body []byte) (json.RawMessage, Letter) {
	var l Letter
	if IsLetter(body) && json.Unmarshal(body, &l) == nil {
		return json.RawMessage(l.RequestPayload), l
	}
	return body, l
}
