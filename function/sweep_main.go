package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/deadletter"
	"github.com/ossgate/ossgate/function/internal/fcadapter"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/sweep"
)

// runSweep builds the maintenance function from cfg and serves its events
// until the runtime stops it. It is the record function's onFailure
// destination too: an FC destination payload is kept as a dead letter; any
// other event (its hourly timer's) runs a maintenance pass: the multipart
// sweep, then a retry of every kept dead letter.
func runSweep(cfg config.Config, logger *slog.Logger) error {
	oss := ossclient.FromConfig(cfg.OSS, creds.DefaultChain{})
	h, err := sweep.New(cfg, sweep.Options{
		// Every invocation gets its own client, signed with its credentials.
		Open: func(ctx context.Context) (sweep.Uploads, error) {
			b, err := oss.Bucket(ctx)
			if err != nil {
				return nil, err
			}
			return ossclient.Multipart{Bucket: b}, nil
		},
		Logger: logger,
	})
	if err != nil {
		return err
	}
	rec, st, err := newRecordHandler(cfg, oss, logger)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	letters := func(ctx context.Context) (deadletter.Store, error) {
		b, err := oss.Bucket(ctx)
		if err != nil {
			return nil, err
		}
		return deadletter.OSSStore{Bucket: b}, nil
	}
	keeper := deadletter.NewKeeper(cfg.Prefixes, letters, logger)
	retrier := deadletter.NewRetrier(cfg.Prefixes, rec.Handle, logger)
	logger.Info("sweep: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadPrefix", cfg.Prefixes.Upload,
		"age", cfg.SweepAge.String(), "deadLetters", deadletter.Prefix(cfg.Prefixes), "records", st.describe(cfg))
	fc.Start(fcadapter.WrapEvent(func(ctx context.Context, payload json.RawMessage) error {
		if deadletter.IsLetter(payload) {
			return keeper.Keep(ctx, payload)
		}
		sweepErr := h.Handle(ctx, payload)
		return errors.Join(sweepErr, retryLetters(ctx, letters, retrier, logger))
	}))
	return nil
}

// retryLetters runs one retry pass over the dead letters and logs it. A
// letter that fails again is kept, not an error: the next pass retries it.
func retryLetters(ctx context.Context, open func(context.Context) (deadletter.Store, error), r *deadletter.Retrier, logger *slog.Logger) error {
	store, err := open(ctx)
	if err != nil {
		return fmt.Errorf("deadletter: %w", err)
	}
	s, err := r.Retry(ctx, store)
	level := slog.LevelInfo
	if err != nil || s.Kept > 0 {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.Int("listed", s.Listed), slog.Int("closed", s.Closed), slog.Int("kept", s.Kept), slog.Bool("stopped", s.Stopped)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	logger.LogAttrs(ctx, level, "deadletter: retried", attrs...)
	return err
}
