package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrMalformed is wrapped by the error of an event or event record that
// cannot be decoded or lacks a required field. Such input is acknowledged,
// never retried.
var ErrMalformed = errors.New("record: malformed event")

// EventRecord is one record of an OSS trigger event, reduced to the fields
// the record function uses (see the FC documentation's OSS event sample).
type EventRecord struct {
	Name      string      `json:"eventName"` // e.g. ObjectCreated:PostObject
	Time      string      `json:"eventTime"`
	Region    string      `json:"region"`
	OSS       EventOSS    `json:"oss"`
	Responses EventResult `json:"responseElements"`
	// Err is set by DecodeEvent when this record could not be decoded or
	// lacks eventName, the bucket name or the object key; it wraps
	// ErrMalformed.
	Err error `json:"-"`
}

// EventOSS is the "oss" member of an event record.
type EventOSS struct {
	Bucket EventBucket `json:"bucket"`
	Object EventObject `json:"object"`
}

// EventBucket is the bucket an event is about.
type EventBucket struct {
	Name string `json:"name"`
}

// EventObject is the object an event is about. Key is as OSS sent it.
type EventObject struct {
	Key  string          `json:"key"`
	ETag string          `json:"eTag"`
	Size int64           `json:"size"`
	Meta EventObjectMeta `json:"objectMeta"`
}

// EventObjectMeta appears in newer events only.
type EventObjectMeta struct {
	MimeType string `json:"mimeType"`
}

// EventResult carries the id of the request that caused the event.
type EventResult struct {
	RequestID string `json:"requestId"`
}

// IsCreated reports whether the record announces a complete object: an
// ObjectCreated:* event other than the steps of a multipart upload in
// progress (there is no object yet; CompleteMultipartUpload announces it).
func (r EventRecord) IsCreated() bool {
	switch r.Name {
	case "ObjectCreated:InitiateMultipartUpload", "ObjectCreated:UploadPart", "ObjectCreated:UploadPartCopy":
		return false
	}
	return strings.HasPrefix(r.Name, "ObjectCreated:")
}

// KeyCandidates returns the keys the object may have: the key as sent and,
// when it contains '%' or '+' and unescapes (as a query component) to
// something else, the unescaped form. Whether OSS URL-encodes keys in
// events is unconfirmed; the key as sent is tried first.
func (r EventRecord) KeyCandidates() []string {
	k := r.OSS.Object.Key
	if !strings.ContainsAny(k, "%+") {
		return []string{k}
	}
	u, err := url.QueryUnescape(k)
	if err != nil || u == k || u == "" {
		return []string{k}
	}
	return []string{k, u}
}

// DecodeEvent decodes an OSS trigger payload, {"events": [...]}. It returns
// an error wrapping ErrMalformed only when the payload as a whole is not
// such an object; each record is decoded on its own, so one bad record sets
// that record's Err and leaves the others intact.
func DecodeEvent(payload []byte) ([]EventRecord, error) {
	var env struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if env.Events == nil {
		return nil, fmt.Errorf("%w: no \"events\" array", ErrMalformed)
	}
	out := make([]EventRecord, len(env.Events))
	for i, raw := range env.Events {
		out[i] = decodeRecord(raw)
	}
	return out, nil
}

func decodeRecord(raw json.RawMessage) EventRecord {
	var r EventRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return EventRecord{Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"eventName", r.Name}, {"oss.bucket.name", r.OSS.Bucket.Name}, {"oss.object.key", r.OSS.Object.Key},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		r.Err = fmt.Errorf("%w: missing %s", ErrMalformed, strings.Join(missing, ", "))
	}
	return r
}
