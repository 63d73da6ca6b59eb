// Package memstore is a records.Store in memory: the record function's unit
// tests use it, and it is the reference the other stores are held to by
// records/storetest.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Store is a records.Store in memory. The zero value is not usable; make
// one with New. It is safe for concurrent use.
type Store struct {
	mu   sync.Mutex
	byID map[string]records.Record
	held map[string]records.Held // by user
}

// New returns an empty store.
func New() *Store {
	return &Store{byID: map[string]records.Record{}, held: map[string]records.Held{}}
}

// Put implements records.Store.
func (m *Store) Put(_ context.Context, r records.Record) error {
	if r.ID == "" {
		return errors.New("memstore: put: empty id")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byID[r.ID]; !ok {
		m.byID[r.ID] = r
	}
	return nil
}

// Len returns the number of records stored.
func (m *Store) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.byID)
}

// Get implements records.Store.
func (m *Store) Get(_ context.Context, user, id string) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok || r.Uploader != user {
		return records.Record{}, fmt.Errorf("memstore: get %s: %w", id, records.ErrNotFound)
	}
	return r, nil
}

// Delete implements records.Store.
func (m *Store) Delete(_ context.Context, user, id string, at time.Time) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok || r.Uploader != user || r.Status == records.StatusDeleted {
		return records.Record{}, fmt.Errorf("memstore: delete %s: %w", id, records.ErrNotFound)
	}
	r.Status, r.DeletedAt = records.StatusDeleted, at.UTC()
	m.byID[id] = r
	return r, nil
}

// List implements records.Lister. A cursor holds the position of the last
// record of its page; the next page starts after it, so records stored
// meanwhile never shift a page.
func (m *Store) List(_ context.Context, user string, q records.Query) (records.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, err := records.PageOf(user, m.mine(user), q)
	if err != nil {
		return records.Page{}, fmt.Errorf("memstore: list: %w", err)
	}
	return p, nil
}

// mine returns user's records; m.mu is held.
func (m *Store) mine(user string) []records.Record {
	var rs []records.Record
	for _, r := range m.byID {
		if r.Uploader == user {
			rs = append(rs, r)
		}
	}
	return rs
}

// Admit implements records.Store.
func (m *Store) Admit(_ context.Context, req records.AdmitRequest) (records.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, next := m.held[req.User].Admit(m.mine(req.User), req)
	m.held[req.User] = next
	return d, nil
}

// Release implements records.Store.
func (m *Store) Release(_ context.Context, user, profile, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.held[user] = m.held[user].Release(profile, key)
	return nil
}

// Usage implements records.Store.
func (m *Store) Usage(_ context.Context, req records.AdmitRequest) (records.Usage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.held[req.User].Usage(m.mine(req.User), req), nil
}
