package main

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
)

// runRecord loads the record function's configuration and serves OSS
// trigger events until the runtime stops it.
func runRecord(logger *slog.Logger) error {
	cfg, err := config.FromEnv(config.Record)
	if err != nil {
		return err
	}
	h, err := newRecordHandler(cfg, logger)
	if err != nil {
		return err
	}
	logger.Info("record: started", "bucket", cfg.Bucket, "region", cfg.Region, "uploadPrefix", cfg.UploadPrefix,
		"recordsPrefix", cfg.RecordsPrefix, "quarantinePrefix", cfg.QuarantinePrefix, "quarantineMode", cfg.QuarantineMode)
	fc.Start(func(ctx context.Context, payload json.RawMessage) error {
		if fctx, ok := fccontext.FromContext(ctx); ok && fctx != nil {
			ctx = record.WithRequestID(ctx, fctx.RequestID)
		}
		return h.Handle(ctx, payload)
	})
	return nil
}

// newRecordHandler wires a record.Handler to OSS: every invocation gets its
// own client, signed with that invocation's credentials.
func newRecordHandler(cfg config.Config, logger *slog.Logger) (*record.Handler, error) {
	oc := ossclient.Config{Endpoint: cfg.InternalEndpoint, Region: cfg.Region, Fallback: creds.DefaultChain{}}
	return record.NewHandler(record.Config{
		Bucket:           cfg.Bucket,
		UploadPrefix:     cfg.UploadPrefix,
		RecordsPrefix:    cfg.RecordsPrefix,
		QuarantinePrefix: cfg.QuarantinePrefix,
		QuarantineMode:   cfg.QuarantineMode,
		Profile: func(name string) (record.Limits, bool) {
			p, ok := cfg.Profiles[name]
			return record.Limits{Types: p.Types, MinSize: p.MinSize, MaxSize: p.MaxSize}, ok
		},
		Open: func(ctx context.Context) (record.Objects, record.Store, error) {
			b, err := ossclient.Bucket(ctx, oc, cfg.Bucket)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Bucket: b}, record.NewOSSStore(b, cfg.RecordsPrefix), nil
		},
		Logger: logger,
	})
}
