// Package signbench builds the sign function's real http.Handler the way the
// benchmarks run it: configured from an environment list, with fixed
// credentials in every request's context. BenchmarkSignHandlerCore and
// BenchmarkSignThroughFCAdapter (run by make bench) and the signserver
// command (the loopback throughput side) use it.
package signbench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/sign"
	"github.com/ossgate/ossgate/signer"
)

// Handler returns the sign function's real http.Handler configured from
// env (KEY=VALUE, as the function's environment), with c put into every
// request's context as the invocation's credentials (what fcadapter does
// with the FC context's). Log lines are JSON-encoded at info level, as in the
// function, and written to log (io.Discard keeps the encoding cost, drops
// the write).
func Handler(ctx context.Context, env []string, c signer.Credentials, log io.Writer) (http.Handler, error) {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(config.Sign, func(k string) string { return vars[k] })
	if err != nil {
		return nil, fmt.Errorf("signbench: %w", err)
	}
	v, err := auth.FromConfig(ctx, cfg.Auth, auth.Options{})
	if err != nil {
		return nil, fmt.Errorf("signbench: %w", err)
	}
	h, err := sign.New(sign.Options{Config: cfg, Auth: v, Logger: slog.New(slog.NewJSONHandler(log, nil))})
	if err != nil {
		return nil, fmt.Errorf("signbench: %w", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(invocation.NewContext(r.Context(), invocation.Info{Credentials: c})))
	}), nil
}
