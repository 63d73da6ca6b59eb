package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/reconcile"
)

// reconcileCommand is the binary's first argument for a reconcile run
// from a shell: ossgate reconcile [-from DATE] [-start-after KEY].
const reconcileCommand = "reconcile"

// runReconcileCommand runs one audit with the sweep function's
// configuration (the environment, as s.yaml gives it) and the default
// credential chain, and prints its counts as one JSON line on stdout.
func runReconcileCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ossgate reconcile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "check only objects modified since this date (2006-01-02, UTC) or RFC 3339 time")
	after := fs.String("start-after", "", "continue after this key (the \"next\" of a run that stopped)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("reconcile: unexpected arguments %q", fs.Args())
	}
	req := reconcile.Request{StartAfter: *after}
	var err error
	if req.From, err = reconcile.ParseFrom(*from); err != nil {
		return err
	}
	cfg, err := config.FromEnv(config.Sweep)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	oss := ossclient.FromConfig(cfg.OSS, creds.DefaultChain{})
	m, err := newMaintenance(cfg, oss, logger)
	if err != nil {
		return err
	}
	s, runErr := m.reconcile(context.Background(), req)
	if err := json.NewEncoder(stdout).Encode(s); err != nil {
		return err
	}
	return runErr
}
