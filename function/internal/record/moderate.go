package record

import (
	"context"
	"errors"
	"fmt"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/records"
)

// pendIfModerated makes rec, which passed every check, pending when its
// profile moderates.
func (h *Handler) pendIfModerated(rec *records.Record) {
	m := h.cfg.Profiles[rec.Profile].Moderation
	if rec.Status == records.StatusOK && m.On() {
		rec.Status, rec.Moderation = records.StatusPending, &records.Moderation{Provider: m.Provider}
	}
}

// moderate asks the profile's provider for the verdict on rec, just stored
// pending, settles it when the provider decides at once, and quarantines a
// rejected upload. A retried event finds the stored record and finishes
// what an earlier attempt left: it asks again while the record is still
// pending, and quarantines a rejected one again (both idempotent).
func (h *Handler) moderate(ctx context.Context, objs Objects, store records.Store, rec records.Record) outcome {
	stored, err := store.Get(ctx, rec.Uploader, rec.ID)
	if err != nil {
		return outcome{status: statusError, err: fmt.Errorf("record: moderation: %w", err)}
	}
	if stored.Status == records.StatusPending {
		m := h.cfg.Profiles[stored.Profile].Moderation
		res, err := h.o.Moderators[m.Provider].Check(ctx, stored, m)
		if err != nil {
			return outcome{status: statusError, err: fmt.Errorf("record: moderation by %s: %w", m.Provider, err)}
		}
		if !res.Decided {
			return outcome{status: records.StatusPending, detail: stored.ID}
		}
		if stored, err = h.settle(ctx, store, stored, res.Verdict(h.o.Now())); err != nil {
			return outcome{status: statusError, err: err}
		}
	}
	if stored.Status == records.StatusRejected {
		if err := h.quarantine(ctx, objs, stored); err != nil {
			return outcome{status: statusError, err: err}
		}
	}
	if err := h.notify(ctx, stored); err != nil {
		return outcome{status: statusError, err: err}
	}
	return outcome{status: stored.Status, detail: stored.ID, reason: stored.Reason, rec: &stored}
}

// storedOutcome is the outcome of rec, just stored pending, when the
// moderation is left to the record function: the stored record, which is
// rec, or the one an event stored first (pending, or settled already).
func (h *Handler) storedOutcome(ctx context.Context, store records.Store, rec records.Record) outcome {
	stored, err := store.Get(ctx, rec.Uploader, rec.ID)
	if err != nil {
		return outcome{status: statusError, err: fmt.Errorf("record: stored record: %w", err)}
	}
	return outcome{status: stored.Status, detail: stored.ID, reason: stored.Reason, rec: &stored}
}

// settle applies v to the pending record r and returns the stored record:
// the settled one, or, when another verdict came first, that one's.
func (h *Handler) settle(ctx context.Context, store records.Store, r records.Record, v records.Verdict) (records.Record, error) {
	if v.Status == records.StatusRejected && h.cfg.QuarantineMode == config.QuarantineMove {
		v.QuarantineKey = h.layout.QuarantineKey(r.Key)
	}
	settled, err := store.Settle(ctx, r.Uploader, r.ID, v)
	if errors.Is(err, records.ErrNotPending) {
		settled, err = store.Get(ctx, r.Uploader, r.ID)
	}
	if err != nil {
		return records.Record{}, fmt.Errorf("record: settle: %w", err)
	}
	return settled, nil
}

// ApplyVerdict settles user's record id with a verdict that came later
// (WeChat's push): as a verdict in the same invocation does, it quarantines
// a rejected upload and tells the app. A record that is not pending any
// more (settled, deleted) is left as it is, without error; one not stored
// is an error wrapping records.ErrNotFound.
func (h *Handler) ApplyVerdict(ctx context.Context, user, id string, res moderation.Result) (records.Record, error) {
	objs, store, err := h.o.Open(ctx)
	if err != nil {
		return records.Record{}, fmt.Errorf("record: verdict: %w", err)
	}
	r, err := store.Get(ctx, user, id)
	if err != nil {
		return records.Record{}, fmt.Errorf("record: verdict: %w", err)
	}
	if r.Status != records.StatusPending {
		return r, nil
	}
	settled, err := h.settle(ctx, store, r, res.Verdict(h.o.Now()))
	if err != nil {
		return records.Record{}, err
	}
	if settled.Status == records.StatusRejected {
		if err := h.quarantine(ctx, objs, settled); err != nil {
			return settled, err
		}
	}
	return settled, h.notify(ctx, settled)
}
