package ossstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
)

// casAttempts bounds the rounds of update; casBackoff is the most a round
// waits before the next (jittered).
const (
	casAttempts = 8
	casBackoff  = 40 * time.Millisecond
)

// update applies change to the user's newest state and commits the result
// as the next generation, loading again and retrying when another writer
// committed first. change returns the next index and whether to write it
// at all (false ends update without a write).
func (s *store) update(ctx context.Context, user string, change func(st *state) (index, bool, error)) error {
	for attempt := range casAttempts {
		st, err := s.load(ctx, user)
		if err != nil {
			return err
		}
		next, write, err := change(st)
		if err != nil || !write {
			return err
		}
		ok, err := s.commit(ctx, st, next)
		if err != nil || ok {
			return err
		}
		d := time.Duration(rand.Int64N(int64(casBackoff) * int64(attempt+1) / 2))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	// Every round lost to concurrent writers.
	return fmt.Errorf("ossstore: concurrent updates of the user's index did not settle: %w", records.ErrBusy)
}

// Delete implements records.Driver: the record is marked deleted in the
// next generation, so of concurrent Deletes exactly one commits it.
func (s *store) Delete(ctx context.Context, user, id string, at time.Time) (records.Record, error) {
	var deleted records.Record
	err := s.update(ctx, user, func(st *state) (index, bool, error) {
		rs := st.view()
		i := slices.IndexFunc(rs, func(r records.Record) bool { return r.ID == id })
		if i < 0 || rs[i].Status == records.StatusDeleted {
			return index{}, false, records.ErrNotFound
		}
		rs[i].Status, rs[i].DeletedAt = records.StatusDeleted, at
		deleted = rs[i]
		return index{Records: rs, Held: st.idx.Held}, true, nil
	})
	if err != nil {
		return records.Record{}, fmt.Errorf("ossstore: delete %s: %w", id, err)
	}
	return deleted, nil
}

// Admit implements records.Driver: the claims and the rate stamp go into
// the next generation; a refusal writes nothing. When concurrent
// admissions of the user keep winning the race, the error wraps
// records.ErrBusy.
func (s *store) Admit(ctx context.Context, req records.AdmitRequest, decide func(records.Usage) records.Decision) (records.Decision, error) {
	var d records.Decision
	err := s.update(ctx, req.User, func(st *state) (index, bool, error) {
		rs := st.view()
		var held records.Held
		d, held = st.idx.Held.Admit(rs, req, decide)
		return index{Records: rs, Held: held}, d.Admitted, nil
	})
	if err != nil {
		return d, fmt.Errorf("ossstore: admit: %w", err)
	}
	return d, nil
}

// Release implements records.Driver: the next generation holds the user's
// claims without it; no such claim writes nothing.
func (s *store) Release(ctx context.Context, user, profile, key string) error {
	err := s.update(ctx, user, func(st *state) (index, bool, error) {
		held := st.idx.Held.Release(profile, key)
		return index{Records: st.view(), Held: held}, len(held.Claims) != len(st.idx.Held.Claims), nil
	})
	if err != nil {
		return fmt.Errorf("ossstore: release: %w", err)
	}
	return nil
}

// Usage implements records.Driver.
func (s *store) Usage(ctx context.Context, req records.AdmitRequest) (records.Usage, error) {
	st, err := s.load(ctx, req.User)
	if err != nil {
		return records.Usage{}, fmt.Errorf("ossstore: usage: %w", err)
	}
	return st.idx.Held.Usage(st.view(), req), nil
}
