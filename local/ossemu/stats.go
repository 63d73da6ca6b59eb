package ossemu

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Requests counts the requests a Server answered, by operation: the OSS
// API name of each (GetObject, HeadObject, PutObject, PostObject,
// ListObjects, DeleteObject, DeleteMultipleObjects, CopyObject, ...), or
// "Other". Benchmarks and tests read it to count what a piece of code
// costs in OSS requests, from the endpoint's side.
type Requests map[string]int64

// Total is the number of requests counted.
func (r Requests) Total() int64 {
	var n int64
	for _, v := range r {
		n += v
	}
	return n
}

// Sub returns r minus before, operation by operation (those that became
// zero left out): the requests made between two snapshots.
func (r Requests) Sub(before Requests) Requests {
	out := Requests{}
	for k, v := range r {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// String lists the operations with their counts, by name.
func (r Requests) String() string {
	names := make([]string, 0, len(r))
	for k := range r {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(r[k], 10))
	}
	return b.String()
}

// counter keeps a Server's Requests.
type counter struct {
	mu sync.Mutex
	n  Requests
}

func (c *counter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = Requests{}
	}
	c.n[op]++
}

func (c *counter) snapshot() Requests {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(Requests, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// Requests returns how many requests of each operation the server has
// answered so far (CORS preflights and requests to unknown buckets
// included, as "Other").
func (s *Server) Requests() Requests { return s.requests.snapshot() }

// operation names the OSS operation of r on key ("" for the bucket).
func operation(r *http.Request, key string) string {
	q := r.URL.Query()
	m := r.Method
	switch {
	case m == http.MethodOptions:
		return "Other"
	case key == "" && m == http.MethodPost && q.Has("delete"):
		return "DeleteMultipleObjects"
	case key == "" && m == http.MethodPost:
		return "PostObject"
	case key == "" && m == http.MethodGet && q.Has("uploads"):
		return "ListMultipartUploads"
	case key == "" && m == http.MethodGet:
		return "ListObjects"
	case q.Has("tagging"):
		return m + "ObjectTagging"
	case q.Has("symlink"):
		return m + "Symlink"
	case isMultipart(q):
		return "Multipart" + m
	case m == http.MethodPut && r.Header.Get("x-oss-copy-source") != "":
		return "CopyObject"
	case m == http.MethodPost && q.Has("append"):
		return "AppendObject"
	}
	if op, ok := map[string]string{http.MethodGet: "GetObject", http.MethodHead: "HeadObject",
		http.MethodPut: "PutObject", http.MethodDelete: "DeleteObject"}[m]; ok {
		return op
	}
	return "Other"
}
