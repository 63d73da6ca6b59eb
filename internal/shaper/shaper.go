// Package shaper is a TCP proxy on loopback that makes a fast local link
// look like a mobile one: a bandwidth cap per connection and for all
// connections together, added latency each way, and connections cut after
// a chosen number of bytes. Benchmarks and tests put it between a client
// and the local OSS endpoint to measure uploads as a phone would see them.
package shaper

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Config shapes every connection through a Proxy. The zero value forwards
// at full speed with no delay and never cuts a connection.
type Config struct {
	// PerConn caps each connection's bytes per second, each direction on
	// its own; 0 means no cap.
	PerConn float64
	// Total caps all connections together, bytes per second, each
	// direction on its own; 0 means no cap.
	Total float64
	// Latency delays every byte by this much, each way.
	Latency time.Duration
	// Cut, when set, is asked once per accepted connection (numbered from
	// 1) for the number of client-to-server bytes after which the proxy
	// cuts that connection, both ways, with no further byte delivered;
	// 0 means never.
	Cut func(conn int) int64
}

// Stats counts what a Proxy forwarded.
type Stats struct {
	Conns     int64 // connections accepted
	Cut       int64 // connections cut by Config.Cut
	BytesUp   int64 // client-to-server bytes delivered
	BytesDown int64 // server-to-client bytes delivered
}

// Proxy forwards connections from Addr to a target address.
type Proxy struct {
	// Addr is the proxy's listening address, "127.0.0.1:port".
	Addr string

	cfg      Config
	target   string
	ln       net.Listener
	up, down *rate.Limiter // Total caps; nil when uncapped
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	conns, cut, bytesUp, bytesDown atomic.Int64

	mu   sync.Mutex
	open map[int]context.CancelFunc // the open connections, by number, for Reset
}

// chunk is the size of one read; it bounds the limiters' bursts too.
const chunk = 16 << 10

// Start listens on a free port of 127.0.0.1 and forwards every connection
// to target, shaped by cfg, until Close.
func Start(target string, cfg Config) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("shaper: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{Addr: ln.Addr().String(), cfg: cfg, target: target, ln: ln, ctx: ctx, cancel: cancel,
		up: limiter(cfg.Total), down: limiter(cfg.Total), open: map[int]context.CancelFunc{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// limiter returns a limiter of bps bytes per second, nil for 0.
func limiter(bps float64) *rate.Limiter {
	if bps <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(bps), chunk)
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	return Stats{Conns: p.conns.Load(), Cut: p.cut.Load(), BytesUp: p.bytesUp.Load(), BytesDown: p.bytesDown.Load()}
}

// Reset cuts every connection open now, both ways, as a network that
// drops does (nothing they carry is delivered after), and returns how many
// it cut; the proxy goes on accepting new ones.
func (p *Proxy) Reset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cancel := range p.open {
		cancel()
	}
	return len(p.open)
}

// Close stops accepting, cuts every open connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.cancel()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		n := int(p.conns.Add(1))
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c, n)
		}()
	}
}

// serve forwards one connection both ways until either side closes, the
// connection is cut, or the proxy closes.
func (p *Proxy) serve(client net.Conn, n int) {
	defer client.Close()
	var d net.Dialer
	server, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	var cutAfter int64
	if p.cfg.Cut != nil {
		cutAfter = p.cfg.Cut(n)
	}
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	p.mu.Lock()
	p.open[n] = cancel
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.open, n)
		p.mu.Unlock()
	}()
	go func() { // unblock both directions' reads and writes when done
		<-ctx.Done()
		client.Close()
		server.Close()
	}()
	done := make(chan struct{}, 2)
	go func() {
		if p.pipe(ctx, server, client, p.up, &p.bytesUp, cutAfter) {
			p.cut.Add(1)
			cancel()
		}
		closeWrite(server)
		done <- struct{}{}
	}()
	go func() {
		p.pipe(ctx, client, server, p.down, &p.bytesDown, 0)
		closeWrite(client)
		done <- struct{}{}
	}()
	<-done
	<-done
}

// closeWrite half-closes c when it can, so the peer sees the end of the
// stream while the other direction still flows.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

// timed is a chunk read at a time, due for delivery after the latency.
type timed struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst through the latency and both limiters; with
// cutAfter > 0 it stops once cutAfter bytes were delivered and reports
// true. The queue between reading and writing holds at most what the
// link carries during the latency (at least one chunk), as a real
// link's window would.
func (p *Proxy) pipe(ctx context.Context, dst io.Writer, src io.Reader, total *rate.Limiter, count *atomic.Int64, cutAfter int64) (cut bool) {
	perConn := limiter(p.cfg.PerConn)
	depth := 1
	if p.cfg.Latency > 0 && p.cfg.PerConn > 0 {
		depth = max(1, int(p.cfg.PerConn*p.cfg.Latency.Seconds())/chunk+1)
	} else if p.cfg.Latency > 0 {
		depth = 64
	}
	queue := make(chan timed, depth)
	go func() {
		defer close(queue)
		for {
			b := make([]byte, chunk)
			n, err := src.Read(b)
			if n > 0 {
				select {
				case queue <- timed{b[:n], time.Now().Add(p.cfg.Latency)}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	var sent int64
	for t := range queue {
		if !sleepUntil(ctx, t.due) {
			return false
		}
		b := t.b
		if cutAfter > 0 && sent+int64(len(b)) >= cutAfter {
			b = b[:cutAfter-sent]
			cut = true
		}
		for _, l := range []*rate.Limiter{perConn, total} {
			if l != nil && l.WaitN(ctx, len(b)) != nil {
				return false
			}
		}
		w, err := dst.Write(b)
		sent += int64(w)
		count.Add(int64(w))
		if err != nil || cut {
			return cut
		}
	}
	return false
}

// sleepUntil waits until t or ctx ends, reporting whether t was reached.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
