package record

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Outcomes logged as "status" besides records.StatusOK and
// records.StatusQuarantined.
const (
	statusIgnored    = "ignored"    // not an upload this function records
	statusSuperseded = "superseded" // a newer write replaced the object; its own event decides
	statusDuplicate  = "duplicate"  // already recorded, object already moved or hidden
	statusGone       = "gone"       // object deleted before it was recorded
	statusMalformed  = "malformed"
	statusError      = "error"
)

// TagStatus is the tag config.QuarantineTag sets on a quarantined object.
const TagStatus = "ossgate-status"

// outcome is what became of one event record; detail is the record ID or
// why it was ignored, reason why a record was quarantined.
type outcome struct {
	status, detail, reason string
	err                    error
	rec                    *records.Record // the record written (ok or quarantined)
}

// process records one event record. Every step is idempotent, so a
// redelivered or retried event completes whatever an earlier attempt left
// undone: the record is written before the quarantine action, and a record
// that exists already is kept as it is (a key is recorded once). The object
// is read once, pinned to the event's ETag, so the record describes the
// bytes it was checked on; a version the event is not about is left to its
// own event.
func (h *Handler) process(ctx context.Context, s *session, r EventRecord) outcome {
	if r.Err != nil {
		return outcome{status: statusMalformed, err: r.Err}
	}
	if why := h.ignore(r); why != "" {
		return outcome{status: statusIgnored, detail: why}
	}
	objs, store, err := s.get(ctx)
	if err != nil {
		return outcome{status: statusError, err: fmt.Errorf("record: open: %w", err)}
	}
	info, head, err := readAny(ctx, objs, r.KeyCandidates(), r.OSS.Object.ETag)
	switch {
	case errors.Is(err, ErrSuperseded):
		return superseded()
	case IsNotFound(err) || IsDenied(err):
		return h.settled(ctx, store, r, err)
	case err != nil:
		return outcome{status: statusError, err: err}
	}
	rec := h.build(r, info, head)
	if err := h.checkInFull(ctx, objs, info, head, &rec); errors.Is(err, ErrSuperseded) {
		return superseded()
	} else if err != nil {
		return outcome{status: statusError, err: err}
	}
	h.pendIfModerated(&rec)
	if err := store.Put(ctx, rec); err != nil {
		return outcome{status: statusError, err: err}
	}
	if rec.Status == records.StatusPending {
		if h.o.DeferModeration {
			return h.storedOutcome(ctx, store, rec)
		}
		return h.moderate(ctx, objs, store, rec)
	}
	if rec.Status == records.StatusQuarantined {
		if err := h.quarantine(ctx, objs, rec); err != nil {
			return outcome{status: statusError, err: err}
		}
	}
	if err := h.notifyStored(ctx, store, rec); err != nil {
		return outcome{status: statusError, err: err}
	}
	return outcome{status: rec.Status, detail: rec.ID, reason: rec.Reason, rec: &rec}
}

// notifyStored tells the app of the stored record of rec (which a
// first write may have made differ from rec), when it is final.
func (h *Handler) notifyStored(ctx context.Context, store records.Store, rec records.Record) error {
	if h.o.Notify == nil {
		return nil
	}
	stored, err := store.Get(ctx, rec.Uploader, rec.ID)
	if err != nil {
		return fmt.Errorf("record: notify: %w", err)
	}
	return h.notify(ctx, stored)
}

// notify tells the app of r unless it is pending.
func (h *Handler) notify(ctx context.Context, r records.Record) error {
	if h.o.Notify == nil || r.Status == records.StatusPending {
		return nil
	}
	if err := h.o.Notify(ctx, r); err != nil {
		return fmt.Errorf("record: notify %s: %w", r.ID, err)
	}
	return nil
}

// superseded is the outcome of an event whose object a newer write
// replaced.
func superseded() outcome {
	return outcome{status: statusSuperseded, detail: "a newer write replaced the object since the event; its own event records it"}
}

// checkInFull quarantines rec, so far ok, when a full scan of its object
// (FullScan says which) finds markup its first bytes did not show.
func (h *Handler) checkInFull(ctx context.Context, objs Objects, info ObjectInfo, head []byte, rec *records.Record) error {
	p, ok := h.cfg.Profiles[info.Profile]
	if !ok || rec.Status != records.StatusOK || !FullScan(rec.ContentType, head, info.Size, p.MaxSize) {
		return nil
	}
	why, err := scanText(ctx, objs, info, rec.ContentType)
	if why != "" {
		h.quarantined(rec, why)
	}
	return err
}

// ignore says why r is not recorded, or "" when it is.
func (h *Handler) ignore(r EventRecord) string {
	switch {
	case !r.IsCreated():
		return "not an ObjectCreated event"
	case r.OSS.Bucket.Name != h.cfg.OSS.Bucket:
		return "another bucket than " + h.cfg.OSS.Bucket
	}
	under := false
	for _, k := range r.KeyCandidates() {
		if h.layout.IsOwnKey(k) {
			return "under the records or quarantine prefix"
		}
		under = under || h.layout.IsUploadKey(k)
	}
	if !under {
		return "outside the upload prefix " + h.cfg.Prefixes.Upload + "/"
	}
	return ""
}

// readAny reads, with one ranged GET pinned to etag, the first SniffLen
// bytes of the first candidate key that exists, and what OSS tells about it.
func readAny(ctx context.Context, objs Objects, keys []string, etag string) (ObjectInfo, []byte, error) {
	var err error
	for _, k := range keys {
		var info ObjectInfo
		var head []byte
		if info, head, err = objs.Read(ctx, k, etag, SniffLen); !IsNotFound(err) {
			return info, head, err
		}
	}
	return ObjectInfo{}, nil, err
}

// settled handles an object that cannot be read any more (cause): already
// recorded by an earlier delivery, and then moved to quarantine, or tagged
// and hidden by the tag-mode bucket policy (a duplicate); else deleted before
// it was recorded (gone), or a read refused for another reason (cause).
// The uploader is in the object's metadata, unreadable now, so the record is
// looked up under the user the key names, when it names one plainly (an id
// kept in the key as a hash cannot be looked up: such a duplicate is gone,
// or, when the read was refused, an error the platform retries a few times).
func (h *Handler) settled(ctx context.Context, store records.Store, r EventRecord, cause error) outcome {
	for _, k := range r.KeyCandidates() {
		user, ok := h.layout.UploaderOfUploadKey(k)
		if !ok {
			continue
		}
		id := records.ID(r.OSS.Bucket.Name, k)
		stored, err := store.Get(ctx, user, id)
		if err == nil {
			// An earlier attempt may have failed to tell the app.
			if err := h.notify(ctx, stored); err != nil {
				return outcome{status: statusError, err: err}
			}
			return outcome{status: statusDuplicate, detail: id}
		}
		if !errors.Is(err, records.ErrNotFound) {
			return outcome{status: statusError, err: err}
		}
	}
	if IsNotFound(cause) {
		return outcome{status: statusGone, err: cause}
	}
	return outcome{status: statusError, err: cause}
}

// build makes the record of the object info describes, whose first bytes
// are head.
func (h *Handler) build(r EventRecord, info ObjectInfo, head []byte) records.Record {
	declared := BaseType(info.ContentType)
	rec := records.Record{
		ID: records.ID(r.OSS.Bucket.Name, info.Key), Bucket: r.OSS.Bucket.Name, Key: info.Key,
		ETag: records.NormalizeETag(info.ETag), Size: info.Size, ContentType: declared, DetectedType: Sniff(head),
		Uploader: info.Uploader, Profile: info.Profile, OriginalName: info.Filename, OpenID: info.OpenID,
		Status: records.StatusOK, Event: r.Name, UploadedAt: info.LastModified.UTC(), RecordedAt: h.o.Now().UTC(),
	}
	if reason := h.check(info, declared, head); reason != "" {
		h.quarantined(&rec, reason)
	}
	return rec
}

// quarantined marks rec quarantined for reason.
func (h *Handler) quarantined(rec *records.Record, reason string) {
	rec.Status, rec.Reason = records.StatusQuarantined, reason
	if h.cfg.QuarantineMode == config.QuarantineMove {
		rec.QuarantineKey = h.layout.QuarantineKey(rec.Key)
	}
}

// check returns why the object breaks its profile or its declared type, or
// "" when it does not.
func (h *Handler) check(info ObjectInfo, declared string, head []byte) string {
	var why []string
	p, ok := h.cfg.Profiles[info.Profile]
	switch {
	case !ok:
		why = append(why, fmt.Sprintf("unknown profile %q", info.Profile))
	case !p.Allows(declared):
		why = append(why, fmt.Sprintf("type %s not allowed by profile %s", declared, info.Profile))
	}
	if ok && (info.Size < p.MinSize || info.Size > p.MaxSize) {
		why = append(why, fmt.Sprintf("size %d outside profile %s limits [%d, %d]", info.Size, info.Profile, p.MinSize, p.MaxSize))
	}
	if k, parsed := h.layout.ParseUploadKey(info.Key); parsed {
		if started, sized := k.DeclaredSize(); sized && info.Size != started {
			why = append(why, fmt.Sprintf("size %d differs from the %d bytes the upload was started with", info.Size, started))
		}
	}
	if reason := CheckContent(head, info.Size, declared, !ok || p.RejectPolyglots); reason != "" {
		why = append(why, reason)
	}
	return strings.Join(why, "; ")
}

// quarantine moves or tags the object of rec. Copying a source a concurrent
// delivery has just moved away is not an error.
func (h *Handler) quarantine(ctx context.Context, objs Objects, rec records.Record) error {
	if h.cfg.QuarantineMode == config.QuarantineTag {
		return objs.Tag(ctx, rec.Key, map[string]string{TagStatus: records.StatusQuarantined})
	}
	if err := objs.Copy(ctx, rec.Key, rec.QuarantineKey); err != nil {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	return objs.Delete(ctx, rec.Key)
}
