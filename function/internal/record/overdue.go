package record

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// Overdue limits: the records Resolve reads per page, and the pages of one
// pass (the next pass continues).
const (
	overduePage  = 100
	overduePages = 20
)

// OverdueStats is what one Resolve pass did.
type OverdueStats struct {
	Pending  int `json:"pending"`  // pending records uploaded before now
	Rejected int `json:"rejected"` // overdue, rejected by the profile's rule
	Accepted int `json:"accepted"` // overdue, accepted by the profile's rule
	Left     int `json:"left"`     // overdue, left pending for an operator
	Failed   int `json:"failed"`
}

// ResolveOverdue applies its profile's OnTimeout rule to every pending
// record whose verdict has not come within the profile's Timeout of its
// upload: rejected (and quarantined), accepted, or left pending. A verdict
// that comes at the same time wins or loses as Settle decides. The
// maintenance function runs it on every pass.
func (h *Handler) ResolveOverdue(ctx context.Context) (OverdueStats, error) {
	var st OverdueStats
	objs, store, err := h.o.Open(ctx)
	if err != nil {
		return st, fmt.Errorf("record: overdue: %w", err)
	}
	now := h.o.Now()
	var after *records.Position
	var errs []error
	for range overduePages {
		rs, err := store.Pending(ctx, now, after, overduePage)
		if err != nil {
			return st, fmt.Errorf("record: overdue: %w", errors.Join(append(errs, err)...))
		}
		for _, r := range rs {
			st.Pending++
			if err := h.resolve(ctx, objs, store, r, &st); err != nil {
				st.Failed++
				errs = append(errs, err)
			}
		}
		if len(rs) < overduePage {
			break
		}
		pos := records.PositionOf(rs[len(rs)-1])
		after = &pos
	}
	h.o.Logger.LogAttrs(ctx, slog.LevelInfo, "record: overdue verdicts resolved", slog.Int("pending", st.Pending),
		slog.Int("rejected", st.Rejected), slog.Int("accepted", st.Accepted), slog.Int("left", st.Left), slog.Int("failed", st.Failed))
	if len(errs) > 0 {
		return st, fmt.Errorf("record: overdue: %d failed: %w", len(errs), errors.Join(errs...))
	}
	return st, nil
}

// resolve applies the timeout rule to r if its verdict is overdue.
func (h *Handler) resolve(ctx context.Context, objs Objects, store records.Store, r records.Record, st *OverdueStats) error {
	m := h.cfg.Profiles[r.Profile].Moderation
	if m.Timeout <= 0 {
		m.Timeout = config.DefaultModerationTimeout // a profile that stopped moderating since
	}
	if h.o.Now().Sub(r.UploadedAt) < m.Timeout {
		return nil
	}
	v := records.Verdict{Status: records.StatusOK, By: records.DecidedByTimeout, At: h.o.Now()}
	switch m.OnTimeout {
	case config.OnTimeoutPending:
		st.Left++
		return nil
	case config.OnTimeoutAccept:
	default: // reject, also for a profile that stopped moderating
		v.Status, v.Reason = records.StatusRejected, "moderation: no verdict within "+m.Timeout.String()
	}
	settled, err := h.settle(ctx, store, r, v)
	if err != nil {
		return err
	}
	if settled.Status == records.StatusRejected {
		st.Rejected++
		if err := h.quarantine(ctx, objs, settled); err != nil {
			return err
		}
	} else {
		st.Accepted++
	}
	return h.notify(ctx, settled)
}
