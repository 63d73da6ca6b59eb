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
	"github.com/ossgate/ossgate/function/internal/reconcile"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/sweep"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// runSweep builds the maintenance function from cfg and serves its events
// until the runtime stops it. It is the record function's onFailure
// destination too. An FC destination payload is kept as a dead letter; an
// event {"mode":"reconcile",...} (directly, or as a timer's payload) runs a
// reconcile; any other event (its hourly timer's) runs a maintenance pass:
// the multipart sweep, a retry of every kept dead letter, the timeout rule
// of the moderation verdicts that did not come in time, and a retry of the
// app's webhook events kept after a failed delivery.
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
	m, err := newMaintenance(cfg, oss, logger)
	if err != nil {
		return err
	}
	logger.Info("sweep: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadPrefix", cfg.Prefixes.Upload,
		"age", cfg.SweepAge.String(), "deadLetters", deadletter.Prefix(cfg.Prefixes), "records", m.stores.describe(cfg))
	fc.Start(fcadapter.WrapEvent(func(ctx context.Context, payload json.RawMessage) error {
		if deadletter.IsLetter(payload) {
			return m.keeper.Keep(ctx, payload)
		}
		if req, ok, err := reconcile.ParseRequest(payload); ok {
			if err != nil {
				return err
			}
			_, err := m.reconcile(ctx, req)
			return err
		}
		sweepErr := h.Handle(ctx, payload)
		letterErr := m.retryLetters(ctx)
		_, overdueErr := m.rec.ResolveOverdue(ctx)
		return errors.Join(sweepErr, letterErr, overdueErr, m.notifier.retryKept(ctx))
	}))
	return nil
}

// maintenance is the record function's work the maintenance function
// does: keeping and retrying the events it gave up on, and reconciling.
type maintenance struct {
	oss      ossclient.Opener
	stores   stores
	keeper   *deadletter.Keeper
	retrier  *deadletter.Retrier
	rc       *reconcile.Reconciler
	rec      *record.Handler
	notifier *notifier
	log      *slog.Logger
}

func newMaintenance(cfg config.Config, oss ossclient.Opener, logger *slog.Logger) (*maintenance, error) {
	n, err := newNotifier(cfg, oss, logger)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	rec, st, err := newRecordHandler(cfg, oss, logger, n.hook(n.outcomeOrKeep))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	m := &maintenance{oss: oss, stores: st, rec: rec, notifier: n, log: logger}
	m.keeper = deadletter.NewKeeper(cfg.Prefixes, m.letters, logger)
	m.retrier = deadletter.NewRetrier(cfg.Prefixes, rec.Handle, logger)
	m.rc, err = reconcile.New(reconcile.Options{Layout: upload.Layout{Prefixes: cfg.Prefixes}, Bucket: cfg.OSS.Bucket,
		Record: rec.Handle, Logger: logger})
	return m, err
}

// letters opens the dead letters with the invocation's credentials.
func (m *maintenance) letters(ctx context.Context) (deadletter.Store, error) {
	objs, err := m.oss.Objects(ctx)
	if err != nil {
		return nil, err
	}
	return deadletter.OSSStore{Objects: objs}, nil
}

// retryLetters runs one retry pass over the dead letters and logs it. A
// letter that fails again is kept, not an error: the next pass retries it.
func (m *maintenance) retryLetters(ctx context.Context) error {
	store, err := m.letters(ctx)
	if err != nil {
		return fmt.Errorf("deadletter: %w", err)
	}
	s, err := m.retrier.Retry(ctx, store)
	level := slog.LevelInfo
	if err != nil || s.Kept > 0 {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.Int("listed", s.Listed), slog.Int("closed", s.Closed), slog.Int("kept", s.Kept), slog.Bool("stopped", s.Stopped)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	m.log.LogAttrs(ctx, level, "deadletter: retried", attrs...)
	return err
}

// reconcile runs one audit of the upload prefix and logs it.
func (m *maintenance) reconcile(ctx context.Context, req reconcile.Request) (reconcile.Stats, error) {
	objs, err := m.oss.Objects(ctx)
	if err != nil {
		return reconcile.Stats{}, fmt.Errorf("reconcile: %w", err)
	}
	store, err := m.stores.StoreFor(ctx)
	if err != nil {
		return reconcile.Stats{}, fmt.Errorf("reconcile: %w", err)
	}
	s, err := m.rc.Run(ctx, reconcile.OSSObjects{Objects: objs}, store, req)
	level := slog.LevelInfo
	attrs := []slog.Attr{slog.Time("from", req.From), slog.String("startAfter", req.StartAfter), slog.Int("listed", s.Listed),
		slog.Int("checked", s.Checked), slog.Int("missing", s.Missing), slog.Int("failed", s.Failed), slog.Int("lists", s.Lists),
		slog.Int("users", s.Users), slog.Bool("stopped", s.Stopped), slog.String("next", s.Next)}
	if err != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	m.log.LogAttrs(ctx, level, "reconcile: done", attrs...)
	return s, err
}
