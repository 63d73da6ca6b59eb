// Package memstore is a records.Store in memory: the record function's unit
// tests use it, and it is the reference the other stores are held to by
// records/storetest.
package memstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Store is a records.Store in memory. The zero value is not usable; make
// one with New. It is safe for concurrent use.
type Store struct {
	records.Store
	d *driver
}

// New returns an empty store.
func New() *Store {
	d := &driver{byID: map[string]records.Record{}, held: map[string]records.Held{}}
	return &Store{Store: records.NewStore(d), d: d}
}

// Len returns the number of records stored.
func (m *Store) Len() int {
	m.d.mu.Lock()
	defer m.d.mu.Unlock()
	return len(m.d.byID)
}

// driver is the records.Driver of a Store.
type driver struct {
	mu   sync.Mutex
	byID map[string]records.Record
	held map[string]records.Held // by user
}

// Put implements records.Driver.
func (m *driver) Put(_ context.Context, r records.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byID[r.ID]; !ok {
		m.byID[r.ID] = r
	}
	return nil
}

// Get implements records.Driver.
func (m *driver) Get(_ context.Context, user, id string) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok || r.Uploader != user {
		return records.Record{}, fmt.Errorf("memstore: get %s: %w", id, records.ErrNotFound)
	}
	return r, nil
}

// Delete implements records.Driver.
func (m *driver) Delete(_ context.Context, user, id string, at time.Time) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok || r.Uploader != user || r.Status == records.StatusDeleted {
		return records.Record{}, fmt.Errorf("memstore: delete %s: %w", id, records.ErrNotFound)
	}
	r.Status, r.DeletedAt = records.StatusDeleted, at
	m.byID[id] = r
	return r, nil
}

// Select implements records.Driver.
func (m *driver) Select(_ context.Context, user string, q records.Query, after *records.Position, n int) ([]records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return records.Select(m.mine(user), q, after, n), nil
}

// mine returns user's records; m.mu is held.
func (m *driver) mine(user string) []records.Record {
	var rs []records.Record
	for _, r := range m.byID {
		if r.Uploader == user {
			rs = append(rs, r)
		}
	}
	return rs
}

// Admit implements records.Driver.
func (m *driver) Admit(_ context.Context, req records.AdmitRequest, decide func(records.Usage) records.Decision) (records.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, next := m.held[req.User].Admit(m.mine(req.User), req, decide)
	m.held[req.User] = next
	return d, nil
}

// Release implements records.Driver.
func (m *driver) Release(_ context.Context, user, profile, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.held[user] = m.held[user].Release(profile, key)
	return nil
}

// Usage implements records.Driver.
func (m *driver) Usage(_ context.Context, req records.AdmitRequest) (records.Usage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.held[req.User].Usage(m.mine(req.User), req), nil
}

// Settle implements records.Driver.
func (m *driver) Settle(_ context.Context, user, id string, v records.Verdict) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	switch {
	case !ok || r.Uploader != user:
		return records.Record{}, fmt.Errorf("memstore: settle %s: %w", id, records.ErrNotFound)
	case r.Status != records.StatusPending:
		return records.Record{}, fmt.Errorf("memstore: settle %s (%s): %w", id, r.Status, records.ErrNotPending)
	}
	r = v.Apply(r)
	m.byID[id] = r
	return r, nil
}

// Pending implements records.Driver.
func (m *driver) Pending(_ context.Context, before time.Time, after *records.Position, n int) ([]records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := make([]records.Record, 0, len(m.byID))
	for _, r := range m.byID {
		rs = append(rs, r)
	}
	return records.SelectPending(rs, before, after, n), nil
}
