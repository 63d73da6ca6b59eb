package main

import (
	"context"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/fcadapter"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/sweep"
)

// runSweep builds the sweep function's handler from cfg and serves its
// timer events until the runtime stops it.
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
	logger.Info("sweep: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadPrefix", cfg.Prefixes.Upload, "age", cfg.SweepAge.String())
	fc.Start(fcadapter.WrapEvent(h.Handle))
	return nil
}
