package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/fcadapter"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
)

// runRecord builds the record function's handler from cfg and serves OSS
// trigger events until the runtime stops it.
func runRecord(cfg config.Config, logger *slog.Logger) error {
	oss := ossclient.FromConfig(cfg.OSS, creds.DefaultChain{})
	n, err := newNotifier(cfg, oss, logger)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	h, st, err := newRecordHandler(cfg, oss, logger, n.hook(n.outcome))
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	logger.Info("record: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadPrefix", cfg.Prefixes.Upload,
		"recordsPrefix", cfg.Prefixes.Records, "quarantinePrefix", cfg.Prefixes.Quarantine, "quarantineMode", cfg.QuarantineMode,
		"records", st.describe(cfg))
	fc.Start(fcadapter.WrapEvent(h.Handle))
	return nil
}

// newRecordHandler returns the record function's handler of cfg and its
// stores: the record function's, and the maintenance's for the events the
// record function gave up on and the uploads no event reported.
// notify tells the app of record changes (nil: it is not told).
func newRecordHandler(cfg config.Config, oss ossclient.Opener, logger *slog.Logger,
	notify func(context.Context, records.Record) error) (*record.Handler, stores, error) {
	st, err := newStores(cfg, oss, logger)
	if err != nil {
		return nil, st, err
	}
	h, err := recordHandlerOf(cfg, oss, st, logger, notify, false)
	return h, st, err
}

// recordHandlerOf returns the record handler of cfg over st: the record
// function's, and the sign function's for the uploads OSS calls it back
// about, which leaves moderation to the record function (deferModeration).
// notify tells the app of record changes (nil: it is not told).
func recordHandlerOf(cfg config.Config, oss ossclient.Opener, st stores, logger *slog.Logger,
	notify func(context.Context, records.Record) error, deferModeration bool) (*record.Handler, error) {
	var mods map[string]moderation.Provider
	if !deferModeration {
		var err error
		if mods, err = moderators(cfg, oss); err != nil {
			return nil, err
		}
	}
	return record.NewHandler(cfg, record.Options{
		Moderators:      mods,
		DeferModeration: deferModeration,
		Notify:          notify,
		// Every invocation gets its own client, signed with its credentials.
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			objs, err := oss.Objects(ctx)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Objects: objs}, st.of(objs), nil
		},
		Logger: logger,
	})
}
