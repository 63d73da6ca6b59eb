// Command signserver serves ossgate's real sign handler on a plain net/http
// server on 127.0.0.1, for the loopback throughput comparison in make bench
// (run under taskset with GOMAXPROCS=1). It reads the function's OSSGATE_*
// environment, and SIGNSERVER_CREDS="id:secret:token" as the credentials of
// every request (fake ones in the benchmark). It prints
// {"addr":"127.0.0.1:port"} on stdout once listening, and stops on SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ossgate/ossgate/function/internal/signbench"
	"github.com/ossgate/ossgate/signer"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "signserver:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	id, rest, _ := strings.Cut(os.Getenv("SIGNSERVER_CREDS"), ":")
	secret, token, _ := strings.Cut(rest, ":")
	h, err := signbench.Handler(ctx, os.Environ(), signer.Credentials{AccessKeyID: id, AccessKeySecret: secret, SecurityToken: token}, io.Discard)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("SIGNSERVER_PORT"))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"addr": ln.Addr().String()}); err != nil {
		return err
	}
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
