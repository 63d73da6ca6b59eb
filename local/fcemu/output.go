package fcemu

import (
	"bytes"
	"io"
	"sync"
)

const maxPendingLine = 64 << 10

// prefixWriter writes each complete line with a prefix to w; a partial line
// is held until its newline, flush, or maxPendingLine bytes. All the complete
// lines of one Write go to w in one Write, built in a buffer reused across
// calls, so forwarding costs no allocation per line.
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	pending []byte // a partial line held since an earlier Write
	out     []byte // reused: the prefixed lines of one Write
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	n := len(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out = p.out[:0]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		p.out = append(p.out, p.prefix...)
		p.out = append(p.out, p.pending...)
		p.out = append(p.out, b[:i+1]...)
		p.pending = p.pending[:0]
		b = b[i+1:]
	}
	p.pending = append(p.pending, b...)
	if len(p.pending) > maxPendingLine {
		p.out = p.appendPending(p.out)
	}
	p.writeOut()
	return n, nil
}

// appendPending appends the held partial line, prefixed and ended with a
// newline, to out and clears it.
func (p *prefixWriter) appendPending(out []byte) []byte {
	out = append(out, p.prefix...)
	out = append(out, p.pending...)
	p.pending = p.pending[:0]
	return append(out, '\n')
}

// writeOut writes p.out, if any, to w, and lets go of a buffer grown large
// by a burst of output.
func (p *prefixWriter) writeOut() {
	if len(p.out) > 0 {
		_, _ = p.w.Write(p.out)
	}
	if cap(p.out) > 4*maxPendingLine {
		p.out = nil
	}
}

// flush writes a held partial line.
func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out = p.out[:0]
	if len(p.pending) > 0 {
		p.out = p.appendPending(p.out)
	}
	p.writeOut()
}
