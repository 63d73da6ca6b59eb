package record

import (
	"context"
	"errors"
	"fmt"

	"github.com/ossgate/ossgate/function/internal/records"
)

// EventCallback is the event name of a record made from OSS's upload
// callback to the sign function rather than from an OSS trigger event (it
// is not an OSS event name).
const EventCallback = "ObjectCreated:Callback"

// ErrNotRecorded is wrapped by RecordObject's error when the object is not
// one this function records (another bucket, outside the upload prefix), or
// a newer write replaced it, or it is gone.
var ErrNotRecorded = errors.New("record: not recorded")

// RecordObject checks and records, synchronously, the object at bucket/key
// whose ETag is etag, with the code an OSS event about it runs (event is
// the record's event name, e.g. EventCallback), and returns its record. A
// key has one record whoever writes it first: when an event recorded the
// object already, the answer is that record; when both write at once, the
// record returned is the one built here from the same bytes (ETag pinned),
// so it agrees with the stored one on everything but its recording time.
// An error wrapping ErrNotRecorded is final; any other may be transient.
func (h *Handler) RecordObject(ctx context.Context, bucket, key, etag, event string) (records.Record, error) {
	r := EventRecord{Name: event, OSS: EventOSS{Bucket: EventBucket{Name: bucket}, Object: EventObject{Key: key, ETag: etag}}}
	s := &session{open: h.o.Open}
	o := h.process(ctx, s, r)
	switch {
	case o.err != nil && o.status == statusGone:
		return records.Record{}, fmt.Errorf("%w: %w", ErrNotRecorded, o.err)
	case o.err != nil:
		return records.Record{}, o.err
	case o.rec != nil:
		return *o.rec, nil
	case o.status == statusDuplicate:
		return h.stored(ctx, s, key, o.detail)
	}
	return records.Record{}, fmt.Errorf("%w: %s: %s", ErrNotRecorded, o.status, o.detail)
}

// stored reads the record id of key, recorded earlier, from the store.
func (h *Handler) stored(ctx context.Context, s *session, key, id string) (records.Record, error) {
	_, store, err := s.get(ctx)
	if err != nil {
		return records.Record{}, err
	}
	user, _ := h.layout.UploaderOfUploadKey(key) // settled found the record under this user
	return store.Get(ctx, user, id)
}
