package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/local/stack"
)

// serveSTSControl serves st.STSControl on a random 127.0.0.1 port (the
// -sts-control flag, for tests of the clients' stale-ticket path) and
// returns its base URL and a function that stops it.
func serveSTSControl(st *stack.Stack) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("sts control: %w", err)
	}
	srv := &http.Server{Handler: st.STSControl(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
