package ossemu

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// ownerID is the fake account id the emulator reports as bucket owner and
// principal in events.
const ownerID = "1234567890123456"

// deliverTimeout bounds one Trigger.Deliver call.
const deliverTimeout = 30 * time.Second

// Event is the JSON document an OSS trigger delivers: {"events": [...]}.
type Event struct {
	Events []EventRecord `json:"events"`
}

// EventRecord is one OSS event, with the fields Function Compute documents.
type EventRecord struct {
	EventName         string            `json:"eventName"`
	EventSource       string            `json:"eventSource"`
	EventTime         string            `json:"eventTime"`
	EventVersion      string            `json:"eventVersion"`
	OSS               EventOSS          `json:"oss"`
	Region            string            `json:"region"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	UserIdentity      map[string]string `json:"userIdentity"`
}

// EventOSS is the "oss" member of an event record.
type EventOSS struct {
	Bucket           EventBucket `json:"bucket"`
	Object           EventObject `json:"object"`
	OSSSchemaVersion string      `json:"ossSchemaVersion"`
	RuleID           string      `json:"ruleId"`
}

// EventBucket describes the bucket of an event.
type EventBucket struct {
	ARN           string `json:"arn"`
	Name          string `json:"name"`
	OwnerIdentity string `json:"ownerIdentity"`
}

// EventObject describes the object of an event. Key is the plain key (not
// URL-encoded; unconfirmed for OSS, see CONFORMANCE.md).
type EventObject struct {
	DeltaSize  int64           `json:"deltaSize"`
	ETag       string          `json:"eTag"`
	Key        string          `json:"key"`
	Size       int64           `json:"size"`
	ObjectMeta EventObjectMeta `json:"objectMeta"`
}

// EventObjectMeta is the object's content type and user metadata.
type EventObjectMeta struct {
	MimeType string            `json:"mimeType"`
	UserMeta map[string]string `json:"userMeta"`
}

// emit delivers event name for the object m (which replaced an object of
// prevSize bytes) to every matching trigger of q's bucket, each in its own
// goroutine. Delivery errors are logged; retrying is the deliverer's job.
func (s *Server) emit(q *request, name string, m *disk.Meta, prevSize int64) {
	s.mu.RLock()
	triggers := append([]Trigger(nil), s.triggers[q.bucket]...)
	s.mu.RUnlock()
	for i, t := range triggers {
		if !t.matches(name, m.Key) {
			continue
		}
		body, err := json.Marshal(Event{Events: []EventRecord{s.eventRecord(q, name, m, prevSize, i)}})
		if err != nil {
			s.log.Error("ossemu: encode event", "err", err)
			continue
		}
		s.wg.Add(1)
		s.pending.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.pending.Add(-1)
			ctx, cancel := context.WithTimeout(s.ctx, deliverTimeout)
			defer cancel()
			if err := t.Deliver(ctx, body); err != nil {
				s.log.Warn("ossemu: event delivery failed", "err", err, "event", name, "key", m.Key)
			}
		}()
	}
}

// PendingDeliveries is the number of Trigger.Deliver calls started and not
// yet returned. Deliveries of an upload are counted before the upload is
// answered, so after a client has its answer, 0 means its events have all
// been handed over.
func (s *Server) PendingDeliveries() int { return int(s.pending.Load()) }

func (t Trigger) matches(event, key string) bool {
	if !strings.HasPrefix(key, t.Prefix) || !strings.HasSuffix(key, t.Suffix) {
		return false
	}
	for _, e := range t.Events {
		e = strings.TrimPrefix(e, "oss:")
		if e == event || e == "ObjectCreated:*" && strings.HasPrefix(event, "ObjectCreated:") {
			return true
		}
	}
	return false
}

func (s *Server) eventRecord(q *request, name string, m *disk.Meta, prevSize int64, rule int) EventRecord {
	ip, _, err := net.SplitHostPort(q.r.RemoteAddr)
	if err != nil {
		ip = q.r.RemoteAddr
	}
	userMeta := map[string]string{}
	for k, v := range m.UserMeta {
		userMeta[k] = v
	}
	return EventRecord{
		EventName:    name,
		EventSource:  "acs:oss",
		EventTime:    s.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		EventVersion: "1.0",
		OSS: EventOSS{
			Bucket: EventBucket{
				ARN:  fmt.Sprintf("acs:oss:%s:%s:%s", s.cfg.Region, ownerID, q.bucket),
				Name: q.bucket, OwnerIdentity: ownerID,
			},
			Object: EventObject{
				DeltaSize: m.Size - prevSize, ETag: m.ETag, Key: m.Key, Size: m.Size,
				ObjectMeta: EventObjectMeta{MimeType: m.ContentType, UserMeta: userMeta},
			},
			OSSSchemaVersion: "1.0",
			RuleID:           fmt.Sprintf("ossemu-%s-%d", q.bucket, rule),
		},
		Region:            s.cfg.Region,
		RequestParameters: map[string]string{"sourceIPAddress": ip},
		ResponseElements:  map[string]string{"requestId": q.id},
		UserIdentity:      map[string]string{"principalId": ownerID},
	}
}
