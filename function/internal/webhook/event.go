package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Event types: one per record change.
const (
	TypeRecorded    = "upload.recorded"    // the record became ok
	TypeRejected    = "upload.rejected"    // moderation rejected it
	TypeQuarantined = "upload.quarantined" // it broke its profile or type
	TypeDeleted     = "upload.deleted"     // its owner deleted it
)

// Event is the body of one delivery.
type Event struct {
	// ID names the change, the same in every delivery of it: the app
	// drops the duplicates by it.
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"createdAt"`
	Record    records.Record `json:"record"`
}

// Of returns the event of r's current status, and false for a status that
// is no change the app is told of (pending).
func Of(r records.Record) (Event, bool) {
	var typ string
	at := r.RecordedAt
	switch r.Status {
	case records.StatusOK:
		typ = TypeRecorded
		if r.Moderation != nil && !r.Moderation.DecidedAt.IsZero() {
			at = r.Moderation.DecidedAt
		}
	case records.StatusRejected:
		typ = TypeRejected
		if r.Moderation != nil {
			at = r.Moderation.DecidedAt
		}
	case records.StatusQuarantined:
		typ = TypeQuarantined
	case records.StatusDeleted:
		typ, at = TypeDeleted, r.DeletedAt
	default:
		return Event{}, false
	}
	return Event{ID: EventID(r.ID, typ), Type: typ, CreatedAt: at.UTC(), Record: r}, true
}

// EventID is the ID of the event typ of record id: "evt_" and 32 hex
// digits of SHA-256(id "\n" typ). A record changes to each status once, so
// the pair names the change.
func EventID(id, typ string) string {
	sum := sha256.Sum256([]byte(id + "\n" + typ))
	return "evt_" + hex.EncodeToString(sum[:16])
}

// OfOutcome returns the event of the outcome r was recorded or settled
// with: Of(r), but for a deleted record the event of its status before
// the delete, so that a delivery retried after its owner deleted it still
// tells the app what the upload became (and with the same event). The
// status before a delete is told by the record's fields: a decided
// moderation with a reason is a rejection, a reason without one a
// quarantine, no reason ok, an undecided moderation pending (no event).
func OfOutcome(r records.Record) (Event, bool) {
	if r.Status == records.StatusDeleted {
		r.Status, r.DeletedAt = statusBeforeDelete(r), time.Time{}
	}
	return Of(r)
}

func statusBeforeDelete(r records.Record) string {
	decided := r.Moderation != nil && !r.Moderation.DecidedAt.IsZero()
	switch {
	case r.Moderation != nil && !decided:
		return records.StatusPending
	case r.Reason == "":
		return records.StatusOK
	case decided:
		return records.StatusRejected
	}
	return records.StatusQuarantined
}
