// Command ossgate is the one binary behind every ossgate function. It runs
// unchanged in Function Compute (runtime go1) and under the local emulator:
// bootstrap starts it with the function's role as its only argument.
//
//	ossgate sign    the HTTP-triggered sign function
//	ossgate record  the OSS-triggered record function
//	ossgate sweep   the timer-triggered maintenance function: aborts abandoned multipart
//	                uploads, keeps and records the events the record function gave up on
//	ossgate empty   an HTTP function that answers 204; the baseline for benchmarks
//	ossgate reconcile [-from DATE] [-start-after KEY]
//	                a command: records every upload without a record (the sweep's environment)
//
// main only wires: package config reads and checks the environment, the
// packages under internal/ do the work.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"github.com/ossgate/ossgate/function/config"
)

func main() {
	role := config.Role(os.Args[1:])
	if role == reconcileCommand {
		if err := runReconcileCommand(os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "ossgate reconcile:", err)
			os.Exit(1)
		}
		return
	}
	if role == config.Empty {
		fc.Start(emptyHTTP)
		return
	}
	cfg, err := config.FromEnv(role)  // an error for any role but sign, record and sweep
	logger := newLogger(cfg.LogLevel) // the zero level, info, when cfg is not loaded
	if err == nil && role == config.Sign {
		err = runSign(cfg, logger)
	} else if err == nil && role == config.Sweep {
		err = runSweep(cfg, logger)
	} else if err == nil {
		err = runRecord(cfg, logger)
	}
	if err != nil {
		logger.Error("ossgate: cannot start", "function", role, "error", err.Error())
		os.Exit(1)
	}
}

// newLogger returns the JSON logger every function writes to stderr, which
// FC collects into the configured log store.
func newLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// emptyHTTP does no work: it is the baseline the sign function's throughput
// is measured against, the same binary under the same load.
func emptyHTTP(context.Context, events.HTTPTriggerEvent) (*events.HTTPTriggerResponse, error) {
	return &events.HTTPTriggerResponse{StatusCode: 204}, nil
}
