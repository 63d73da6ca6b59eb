package sign

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ossgate/ossgate/function/wire"
)

// appendResponse appends res as JSON. It is what json.Marshal would write
// (field order, HTML-safe escaping), without reflection or re-compacting the
// long policy string: the sign path's largest cost otherwise.
func appendResponse(b []byte, res wire.SignResponse) []byte {
	b = append(b, `{"uploads":[`...)
	for i, u := range res.Uploads {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"url":`...)
		b = appendString(b, u.URL)
		b = append(b, `,"key":`...)
		b = appendString(b, u.Key)
		b = append(b, `,"fields":{`...)
		first := true
		for name, value := range u.Fields.All() {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, name)
			b = append(b, ':')
			b = appendString(b, value)
		}
		b = append(b, `},"expiresAt":"`...)
		b = u.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","maxSize":`...)
		b = strconv.AppendInt(b, u.MaxSize, 10)
		b = append(b, `,"objectUrl":`...)
		b = appendString(b, u.ObjectURL)
		b = append(b, `,"recordId":`...)
		b = appendString(b, u.RecordID)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// plain marks the bytes encoding/json writes unchanged inside a string:
// printable ASCII except '"', '\\', '<', '>' and '&'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string, byte for byte as encoding/json
// writes it: the common case (printable ASCII with nothing to escape)
// directly, anything else through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Response buffers: one POST /sign answer is about 2 KiB per file. A buffer
// grown past maxPooledBuffer is left to the garbage collector.
const maxPooledBuffer = 64 << 10

var bufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

func getBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

// putBuffer returns b to the pool; the caller no longer uses *b, and the
// writer it was written to did not retain it (io.Writer's contract).
func putBuffer(b *[]byte) {
	if cap(*b) <= maxPooledBuffer {
		*b = (*b)[:0]
		bufferPool.Put(b)
	}
}
