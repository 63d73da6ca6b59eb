package record

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// FullScan reports whether an object of size bytes declared as declared,
// whose first head bytes passed CheckContent, is scanned in full for
// markup: a text type (what a browser that sniffs could take for HTML) whose
// object is longer than head and within limit, its profile's MaxSize (an
// object over it is quarantined for its size already).
func FullScan(declared string, head []byte, size, limit int64) bool {
	return strings.HasPrefix(declared, "text/") && int64(len(head)) < size && size <= limit
}

// scanText reads the object info describes in full, as one stream pinned to
// its ETag, and returns why it holds markup a browser would act on (as
// CheckContent says it for the first bytes, with the byte it starts at), or
// "" when it holds none. A read that fails or ends early is an error: a scan
// of part of the object proves nothing.
func scanText(ctx context.Context, objs Objects, info ObjectInfo, declared string) (string, error) {
	rc, err := objs.Stream(ctx, info.Key, info.ETag, 0, info.Size)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	at, n, found := findMarkup(cr)
	if cr.err != nil {
		return "", fmt.Errorf("record: scan %q: %w", info.Key, cr.err)
	}
	if !found {
		if cr.n != info.Size {
			return "", fmt.Errorf("record: scan %q: read %d of %d bytes", info.Key, cr.n, info.Size)
		}
		return "", nil
	}
	return markupAt(ctx, objs, info, declared, at, n)
}

// Windows of findMarkup.
const (
	scanWindow = 256 << 10 // bytes read and matched at once
	maxCarry   = 64 << 10  // the longest possible match start carried into the next window
)

// findMarkup returns where the first markup markupRE finds in r starts and
// its length, reading r a window at a time (the regexp package matches a
// byte slice far faster than a reader). Every match starts with '<' and
// holds no other '<', so a match that a window's end cuts starts at the
// window's last '<': that tail is carried into the next window. A tail
// longer than maxCarry (a '<' followed by a very long run of what a match
// may hold) is matched as a stream instead, with the rest of r.
func findMarkup(r io.Reader) (at, n int64, found bool) {
	buf := make([]byte, 0, maxCarry+scanWindow)
	var base int64 // the offset of buf[0] in r
	for {
		k, err := io.ReadFull(r, buf[len(buf):len(buf)+scanWindow])
		buf = buf[:len(buf)+k]
		if loc := markupRE().FindIndex(buf); loc != nil {
			return base + int64(loc[0]), int64(loc[1] - loc[0]), true
		}
		if err != nil { // io.EOF, io.ErrUnexpectedEOF or a read error: the end
			return 0, 0, false
		}
		i := bytes.LastIndexByte(buf, '<')
		if i < 0 {
			base, buf = base+int64(len(buf)), buf[:0]
			continue
		}
		if len(buf)-i > maxCarry {
			rest := io.MultiReader(bytes.NewReader(buf[i:]), r)
			if loc := markupRE().FindReaderIndex(bufio.NewReader(rest)); loc != nil {
				return base + int64(i+loc[0]), int64(loc[1] - loc[0]), true
			}
			return 0, 0, false
		}
		base += int64(i)
		buf = buf[:copy(buf, buf[i:])]
	}
}

// markupAt returns the reason for the markup of n bytes found at offset at
// of the object: its first bytes, read with one more ranged GET.
func markupAt(ctx context.Context, objs Objects, info ObjectInfo, declared string, at, n int64) (string, error) {
	rc, err := objs.Stream(ctx, info.Key, info.ETag, at, min(n, maxShown))
	if err != nil {
		return "", err
	}
	defer rc.Close()
	tag, err := io.ReadAll(rc)
	if err != nil {
		return "", fmt.Errorf("record: scan %q: %w", info.Key, err)
	}
	return fmt.Sprintf("declared %s, content holds HTML markup (%.40q) at byte %d", declared, tag, at), nil
}

// maxShown bounds the bytes of a match a reason quotes (40 runes of UTF-8).
const maxShown = 160

// countingReader counts what it reads and keeps its first error but EOF:
// the regexp package ends its scan at any read error, silently.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}
