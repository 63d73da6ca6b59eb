// Package memstore is a records.Store in memory: the record function's unit
// tests use it, and it is the reference the other stores are held to by
// records/storetest.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/ossgate/ossgate/function/internal/records"
)

// Store is a records.Store in memory. The zero value is not usable; make
// one with New. It is safe for concurrent use.
type Store struct {
	mu   sync.Mutex
	byID map[string]records.Record
}

// New returns an empty store.
func New() *Store { return &Store{byID: map[string]records.Record{}} }

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
func (m *Store) Get(_ context.Context, id string) (records.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok {
		return records.Record{}, fmt.Errorf("memstore: get %s: %w", id, records.ErrNotFound)
	}
	return r, nil
}

// List implements records.Lister. A cursor holds the ID of the last record
// of its page; the next page starts after that record, so records stored
// meanwhile never shift a page.
func (m *Store) List(_ context.Context, user, cursor string, limit int) (records.Page, error) {
	if limit < 1 {
		return records.Page{}, fmt.Errorf("memstore: list: limit %d, want at least 1", limit)
	}
	after, err := records.DecodeCursor(cursor, user)
	if err != nil {
		return records.Page{}, fmt.Errorf("memstore: list: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.byID[after]
	if after != "" && (!ok || last.Uploader != user) {
		return records.Page{}, fmt.Errorf("memstore: list: %w: no record %q of this user", records.ErrBadCursor, after)
	}
	var mine []records.Record
	for _, r := range m.byID {
		if r.Uploader == user && (after == "" || records.Before(last, r)) {
			mine = append(mine, r)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return records.Before(mine[i], mine[j]) })
	p := records.Page{Records: mine[:min(limit, len(mine))]}
	if len(mine) > limit {
		p.Next = records.EncodeCursor(user, mine[limit-1].ID)
	}
	return p, nil
}
