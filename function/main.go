// Command ossgate is the one binary behind every ossgate function. It runs
// unchanged in Function Compute (runtime go1) and under the local emulator:
// bootstrap starts it with the function's role as its only argument.
//
//	ossgate sign    the HTTP-triggered sign function
//	ossgate record  the OSS-triggered record function
//	ossgate empty   an HTTP function that answers 204; the baseline for benchmarks
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fc"
)

func main() {
	role := os.Getenv("OSSGATE_FUNCTION")
	if len(os.Args) > 1 {
		role = os.Args[1]
	}
	logger := newLogger(os.Getenv("OSSGATE_LOG_LEVEL"))
	var err error
	switch role {
	case "sign":
		err = runSign(logger)
	case "record":
		err = runRecord(logger)
	case "empty":
		fc.Start(emptyHTTP)
	default:
		err = fmt.Errorf("unknown function %q: want sign, record or empty (argument or OSSGATE_FUNCTION)", role)
	}
	if err != nil {
		logger.Error("ossgate: cannot start", "function", role, "error", err.Error())
		os.Exit(1)
	}
}

// newLogger returns the JSON logger every function writes to stderr, which
// FC collects into the configured log store.
func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil || level == "" {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// emptyHTTP does no work: it is the baseline the sign function's throughput
// is measured against, the same binary under the same load.
func emptyHTTP(context.Context, events.HTTPTriggerEvent) (*events.HTTPTriggerResponse, error) {
	return &events.HTTPTriggerResponse{StatusCode: 204}, nil
}
