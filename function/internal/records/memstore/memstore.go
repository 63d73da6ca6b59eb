package record_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/record/storetest"
)

// memStore is the in-memory Store the unit tests use. It orders records by
// the OSS store's key layout, so both list alike.
type memStore struct {
	mu   sync.Mutex
	byID map[string]record.Record
	puts int
}

func newMemStore() *memStore { return &memStore{byID: map[string]record.Record{}} }

func (m *memStore) Put(_ context.Context, r record.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	if _, ok := m.byID[r.ID]; !ok {
		m.byID[r.ID] = r
	}
	return nil
}

func (m *memStore) Get(_ context.Context, id string) (record.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok {
		return record.Record{}, fmt.Errorf("mem: %s: %w", id, record.ErrNotFound)
	}
	return r, nil
}

// List pages by offset; the cursor is "user\x00offset".
func (m *memStore) List(_ context.Context, user, cursor string, limit int) (record.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := record.Layout{Prefix: "records"}
	var mine []record.Record
	for _, r := range m.byID {
		if r.Uploader == user {
			mine = append(mine, r)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return l.RecordKey(mine[i]) < l.RecordKey(mine[j]) })
	off := 0
	if cursor != "" {
		u, n, ok := cutCursor(cursor)
		if !ok || u != user || n > len(mine) {
			return record.Page{}, fmt.Errorf("mem: %w", record.ErrBadCursor)
		}
		off = n
	}
	end := min(off+limit, len(mine))
	p := record.Page{Records: append([]record.Record{}, mine[off:end]...)}
	if end < len(mine) {
		p.Next = user + "\x00" + strconv.Itoa(end)
	}
	return p, nil
}

func cutCursor(c string) (string, int, bool) {
	for i := len(c) - 1; i >= 0; i-- {
		if c[i] == 0 {
			n, err := strconv.Atoi(c[i+1:])
			return c[:i], n, err == nil && n >= 0
		}
	}
	return "", 0, false
}

func TestMemStoreConformance(t *testing.T) {
	storetest.RunStoreConformance(t, func(*testing.T) record.Store { return newMemStore() })
}
