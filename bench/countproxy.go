package bench

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// countingProxy forwards every request to a target unchanged (Host kept)
// and counts the PUT and POST body bytes it received: what crossed the
// link before it, per the server's side.
type countingProxy struct {
	URL    string
	target atomic.Pointer[url.URL]
	bytes  atomic.Int64
	reqs   atomic.Int64
	srv    *http.Server
}

// startCountingProxy listens on 127.0.0.1; set the target before the
// first request.
func startCountingProxy() (*countingProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{URL: "http://" + ln.Addr().String()}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(p.target.Load())
		pr.Out.Host = pr.In.Host
	}, ErrorLog: log.New(io.Discard, "", 0)} // a killed client's requests end in errors, by design
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.reqs.Add(1)
		if r.Method == http.MethodPut || r.Method == http.MethodPost {
			r.Body = &countingBody{ReadCloser: r.Body, n: &p.bytes}
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// setTarget makes origin (scheme://host:port) the target.
func (p *countingProxy) setTarget(origin string) error {
	u, err := url.Parse(origin)
	if err == nil {
		p.target.Store(u)
	}
	return err
}

// Requests is the number of requests received so far.
func (p *countingProxy) Requests() int64 { return p.reqs.Load() }

// Bytes is the body bytes received so far.
func (p *countingProxy) Bytes() int64 { return p.bytes.Load() }

func (p *countingProxy) Close() error { return p.srv.Close() }

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
