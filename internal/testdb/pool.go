package testdb

import (
	"context"
	"os"
	"sync"
	"testing"
)

// Pool shares one server of each kind among the tests of a package: the
// first test that asks for a kind starts it, the others get the same one,
// and Close (from TestMain, after m.Run) stops them all. Tests that share a
// server keep apart by using their own tables or data.
type Pool struct {
	mu      sync.Mutex
	servers map[Kind]*Server
	errs    map[Kind]error
}

// Get returns the pool's server of kind k, starting it on first use. If it
// cannot start, tb fails when OSSGATE_REQUIRE_DB=1 and is skipped
// otherwise, as with Require; a failed start is not tried again.
func (p *Pool) Get(tb testing.TB, k Kind) *Server {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.servers == nil {
		p.servers, p.errs = map[Kind]*Server{}, map[Kind]error{}
	}
	s, err := p.servers[k], p.errs[k]
	if s == nil && err == nil {
		if s, err = Start(context.Background(), k); err != nil {
			p.errs[k] = err
		} else {
			p.servers[k] = s
		}
	}
	if err != nil {
		if os.Getenv(RequireVar) == "1" {
			tb.Fatalf("testdb: %v", err)
		}
		tb.Skipf("testdb: %v (set %s=1 to fail instead; `make deps` installs the servers)", err, RequireVar)
	}
	return s
}

// Close stops and removes every server the pool started.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.servers {
		_ = s.Close()
	}
	p.servers = nil
}
