package fcemu

import (
	"bytes"
	"io"
	"sync"
)

const maxPendingLine = 64 << 10

// prefixWriter writes each complete line with a prefix to w; a partial line
// is held until its newline, flush, or maxPendingLine bytes.
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	pending []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = append(p.pending, b...)
	for {
		i := bytes.IndexByte(p.pending, '\n')
		if i < 0 {
			break
		}
		p.emit(p.pending[:i+1])
		p.pending = p.pending[i+1:]
	}
	if len(p.pending) > maxPendingLine {
		p.emit(append(p.pending, '\n'))
		p.pending = nil
	}
	return len(b), nil
}

func (p *prefixWriter) emit(line []byte) {
	_, _ = p.w.Write(append([]byte(p.prefix), line...))
}

// flush writes a held partial line.
func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) > 0 {
		p.emit(append(p.pending, '\n'))
		p.pending = nil
	}
}
