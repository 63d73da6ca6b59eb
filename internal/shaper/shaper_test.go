package shaper

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer answers every connection by echoing what it reads.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// start starts a proxy to target, closed when t ends.
func start(t *testing.T, target string, cfg Config) *Proxy {
	t.Helper()
	p, err := Start(target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// roundTrip sends data through p to the echo server and reads it back.
func roundTrip(t *testing.T, p *Proxy, data []byte) ([]byte, time.Duration, error) {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	start := time.Now()
	go func() {
		_, _ = c.Write(data)
	}()
	got := make([]byte, len(data))
	_, err = io.ReadFull(c, got)
	return got, time.Since(start), err
}

func TestForwardsUnshaped(t *testing.T) {
	p := start(t, echoServer(t), Config{})
	data := make([]byte, 1<<20)
	rand.Read(data)
	got, _, err := roundTrip(t, p, data)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("round trip: err %v, equal %v", err, bytes.Equal(got, data))
	}
	if s := p.Stats(); s.Conns != 1 || s.BytesUp != 1<<20 || s.BytesDown != 1<<20 || s.Cut != 0 {
		t.Errorf("stats: got %+v", s)
	}
}

// TestLatency: a one-byte round trip crosses the proxy twice, so it takes
// at least twice the latency.
func TestLatency(t *testing.T) {
	p := start(t, echoServer(t), Config{Latency: 40 * time.Millisecond})
	_, took, err := roundTrip(t, p, []byte{1})
	if err != nil {
		t.Fatal(err)
	}
	if took < 80*time.Millisecond {
		t.Errorf("round trip took %v, want at least 80ms", took)
	}
}

// TestPerConnCap: 256 KiB at 512 KiB/s each way takes at least about half
// a second (the first burst is free).
func TestPerConnCap(t *testing.T) {
	p := start(t, echoServer(t), Config{PerConn: 512 << 10})
	data := make([]byte, 256<<10)
	_, took, err := roundTrip(t, p, data)
	if err != nil {
		t.Fatal(err)
	}
	if min := 400 * time.Millisecond; took < min {
		t.Errorf("256 KiB at 512 KiB/s took %v, want at least %v", took, min)
	}
}

// TestTotalCap: two connections share the total; together they take at
// least as long as their sum at the total rate.
func TestTotalCap(t *testing.T) {
	p := start(t, echoServer(t), Config{Total: 512 << 10})
	data := make([]byte, 128<<10)
	start := time.Now()
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, _, err := roundTrip(t, p, data)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if took, min := time.Since(start), 400*time.Millisecond; took < min {
		t.Errorf("2 × 128 KiB at 512 KiB/s in all took %v, want at least %v", took, min)
	}
}

// TestCut: the chosen connection is cut after exactly the given number of
// client bytes; the others pass.
func TestCut(t *testing.T) {
	p := start(t, echoServer(t), Config{Cut: func(n int) int64 {
		if n == 2 {
			return 1000
		}
		return 0
	}})
	data := make([]byte, 64<<10)
	if _, _, err := roundTrip(t, p, data); err != nil {
		t.Fatalf("connection 1: %v", err)
	}
	got, _, err := roundTrip(t, p, data)
	if err == nil {
		t.Fatalf("connection 2: read %d bytes and no error, want a cut", len(got))
	}
	if _, _, err := roundTrip(t, p, data); err != nil {
		t.Fatalf("connection 3: %v", err)
	}
	if s := p.Stats(); s.Cut != 1 || s.BytesUp != 2*(64<<10)+1000 {
		t.Errorf("stats: got %+v, want 1 cut and %d bytes up", s, 2*(64<<10)+1000)
	}
}

// TestCloseEndsOpenConnections: Close returns while a client still holds
// a connection open, and the client sees it end.
func TestCloseEndsOpenConnections(t *testing.T) {
	p, err := Start(echoServer(t), Config{Latency: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := dialAndWrite(t, p.Addr)
	done := make(chan struct{})
	go func() { p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("connection still open after Close")
		}
	}
}

// TestReset: Reset cuts the open connections, both ways, and the proxy
// still accepts new ones.
func TestReset(t *testing.T) {
	p, err := Start(echoServer(t), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := dialAndWrite(t, p.Addr)
	for i := 0; i < 200 && p.Stats().BytesUp == 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if n := p.Reset(); n != 1 {
		t.Errorf("Reset: cut %d connections, want 1", n)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the reset connection: %v, want it ended", err)
	}
	if _, _, err := roundTrip(t, p, []byte("after")); err != nil {
		t.Errorf("a new connection after Reset: %v", err)
	}
}

// dialAndWrite opens a connection to addr, writes one byte, and closes it
// when the test ends.
func dialAndWrite(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	return c
}
