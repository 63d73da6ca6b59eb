// Package reconcile is the audit that finds the uploads no event reported:
// it lists the upload prefix (optionally only objects written since a
// time), looks each object's record up in the record store, and hands every
// object without one to the record function's handler as an event of its
// own, so it goes through the same checks (type, size, content; quarantine)
// as an upload whose event came.
//
// Cost: one ListObjectsV2 request per 1,000 objects; each user's records
// are read once per run (for the SQL stores, queries and no OSS request;
// for the OSS store, two listings of the user's records, a few requests);
// and the normal cost of each record made. An object whose key does not
// name its user plainly (upload.UploadUserSegment hashed it) cannot be
// looked up by user, so it goes to the handler, which reads it (one ranged
// GET) and writes nothing when its record exists.
//
// It never records anything twice and is safe while uploads and events
// flow: a record's ID is derived from its bucket and key and the first
// write wins (records.Store.Put), so an object recorded meanwhile by its
// own event keeps that record; the event is pinned to the listed ETag, so
// an object replaced meanwhile is left to its own event.
package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// EventName is the eventName of the events reconcile makes: a record made
// by reconcile says so in its Event field.
const EventName = "ObjectCreated:Reconcile"

// Object is one listed object.
type Object struct {
	Key          string
	ETag         string // as OSS lists it (quoted)
	Size         int64
	LastModified time.Time
}

// Objects lists the bucket.
type Objects interface {
	// List calls visit with the objects under prefix whose keys sort after
	// startAfter, a page of at most 1,000 (one request) at a time, in key
	// order, until visit returns false.
	List(ctx context.Context, prefix, startAfter string, visit func([]Object) bool) error
}

// Options configure a Reconciler. Record is required.
type Options struct {
	Layout upload.Layout
	Bucket string
	// Record is the record function's event handler (record.Handler.Handle):
	// nil when the event is done with, an error when it may succeed later.
	Record func(ctx context.Context, event json.RawMessage) error
	Logger *slog.Logger
}

// Reconciler runs audits. It is safe for concurrent use.
type Reconciler struct{ o Options }

// New returns a Reconciler.
func New(o Options) (*Reconciler, error) {
	if o.Record == nil {
		return nil, errors.New("reconcile: no Record")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reconciler{o: o}, nil
}

// Request is what one run covers.
type Request struct {
	// From, when set, skips objects last modified before it.
	From time.Time `json:"from,omitzero"`
	// StartAfter, when set, continues a run that stopped (Stats.Next).
	StartAfter string `json:"startAfter,omitempty"`
}

// Stats is what one run did.
type Stats struct {
	Listed  int    `json:"listed"`  // objects listed under the upload prefix
	Checked int    `json:"checked"` // of those, modified at or after From
	Missing int    `json:"missing"` // checked objects without a record, handed to the record function
	Failed  int    `json:"failed"`  // of those, whose recording failed (a transient error: run again)
	Lists   int    `json:"lists"`   // ListObjectsV2 requests of the upload prefix
	Users   int    `json:"users"`   // users whose records were read
	Stopped bool   `json:"stopped"` // the deadline came first; continue with StartAfter: Next
	Next    string `json:"next,omitempty"`
}

// deadlineMargin is how long before ctx's deadline a run stops.
const deadlineMargin = 5 * time.Second

// Run audits the upload prefix with objs and store (the invocation's).
// The error reports a listing or a store read that failed, or records that
// failed; the counts say how far it got.
func (r *Reconciler) Run(ctx context.Context, objs Objects, store records.Lister, req Request) (Stats, error) {
	var s Stats
	known := newKnown(store)
	var errs []error
	prefix := r.o.Layout.Upload + "/"
	err := objs.List(ctx, prefix, req.StartAfter, func(page []Object) bool {
		s.Lists++
		for _, o := range page {
			if invocation.NearDeadline(ctx, deadlineMargin) {
				s.Stopped = true
				return false
			}
			s.Listed++
			s.Next = o.Key
			if !req.From.IsZero() && o.LastModified.Before(req.From) {
				continue
			}
			s.Checked++
			has, err := r.recorded(ctx, known, o.Key)
			if err != nil {
				errs = append(errs, err)
				s.Stopped = true
				return false
			}
			if has {
				continue
			}
			s.Missing++
			if err := r.o.Record(ctx, r.event(o)); err != nil {
				s.Failed++
				r.o.Logger.WarnContext(ctx, "reconcile: recording failed; run again", "key", o.Key, "error", err.Error())
				continue
			}
			r.o.Logger.InfoContext(ctx, "reconcile: an upload without a record was handed to the record function", "key", o.Key)
		}
		return true
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("reconcile: list %s: %w", prefix, err))
		s.Stopped = true
	}
	if !s.Stopped {
		s.Next = ""
	}
	s.Users = known.users
	if s.Failed > 0 {
		errs = append(errs, fmt.Errorf("reconcile: %d of %d uploads without a record failed to record", s.Failed, s.Missing))
	}
	return s, errors.Join(errs...)
}

// recorded reports whether key has a record: false for a key that does not
// name its user plainly (the handler then decides, writing nothing when the
// record exists).
func (r *Reconciler) recorded(ctx context.Context, k *known, key string) (bool, error) {
	user, ok := r.o.Layout.UploaderOfUploadKey(key)
	if !ok {
		return false, nil
	}
	ids, err := k.of(ctx, user)
	if err != nil {
		return false, fmt.Errorf("reconcile: records of %q: %w", user, err)
	}
	return ids[records.ID(r.o.Bucket, key)], nil
}

// event is the OSS trigger event that announces o.
func (r *Reconciler) event(o Object) json.RawMessage {
	type obj struct {
		Key  string `json:"key"`
		ETag string `json:"eTag"`
		Size int64  `json:"size"`
	}
	type rec struct {
		Name string `json:"eventName"`
		Time string `json:"eventTime"`
		OSS  struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object obj `json:"object"`
		} `json:"oss"`
	}
	var e rec
	e.Name, e.Time = EventName, o.LastModified.UTC().Format(time.RFC3339)
	e.OSS.Bucket.Name = r.o.Bucket
	e.OSS.Object = obj{Key: o.Key, ETag: records.NormalizeETag(o.ETag), Size: o.Size}
	b, _ := json.Marshal(map[string][]rec{"events": {e}})
	return b
}

// known holds the record IDs of the users met so far in a run.
type known struct {
	store records.Lister
	ids   map[string]map[string]bool
	users int
}

// maxKnownUsers bounds the users whose IDs a run keeps; past it the cache
// starts again (keys are listed by profile, then user, so a user's objects
// mostly come together).
const maxKnownUsers = 10000

func newKnown(store records.Lister) *known {
	return &known{store: store, ids: map[string]map[string]bool{}}
}

// of returns the IDs of user's records, deleted ones included.
func (k *known) of(ctx context.Context, user string) (map[string]bool, error) {
	if ids, ok := k.ids[user]; ok {
		return ids, nil
	}
	if len(k.ids) >= maxKnownUsers {
		k.ids = map[string]map[string]bool{}
	}
	ids := map[string]bool{}
	for _, status := range []string{"", records.StatusDeleted} { // "" lists all but deleted ones
		q := records.Query{Limit: 1000, Status: status}
		for {
			p, err := k.store.List(ctx, user, q)
			if err != nil {
				return nil, err
			}
			for _, rec := range p.Records {
				ids[rec.ID] = true
			}
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
		}
	}
	k.ids[user] = ids
	k.users++
	return ids, nil
}

// ParseRequest reads the request of a maintenance event that asks for a
// reconcile: {"mode":"reconcile","from":"2026-12-01","startAfter":"..."},
// directly or as an FC timer event's payload string. from is a date
// (2006-01-02, UTC) or an RFC 3339 time. It reports false for any other
// event.
func ParseRequest(event []byte) (Request, bool, error) {
	var e struct {
		Mode       string `json:"mode"`
		From       string `json:"from"`
		StartAfter string `json:"startAfter"`
		Payload    string `json:"payload"`
	}
	if json.Unmarshal(event, &e) != nil {
		return Request{}, false, nil
	}
	if e.Mode == "" && strings.HasPrefix(strings.TrimSpace(e.Payload), "{") {
		return ParseRequest([]byte(e.Payload))
	}
	if e.Mode != "reconcile" {
		return Request{}, false, nil
	}
	req := Request{StartAfter: e.StartAfter}
	var err error
	req.From, err = ParseFrom(e.From)
	return req, true, err
}

// ParseFrom parses a from date: "" (none), 2006-01-02 (UTC midnight) or
// an RFC 3339 time.
func ParseFrom(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("reconcile: from %q: want a date (2006-01-02) or an RFC 3339 time", s)
	}
	return t, nil
}
