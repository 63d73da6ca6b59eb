package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/fcadapter"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/sign"
)

// runSign loads the sign function's configuration, builds its handler and
// serves FC invocations; it returns only on a configuration error.
func runSign(logger *slog.Logger) error {
	cfg, err := config.FromEnv(config.Sign)
	if err != nil {
		return err
	}
	v, err := auth.New(context.Background(), auth.Config{
		Secret: cfg.JWT.Secret, JWKSURL: cfg.JWT.JWKSURL, Issuer: cfg.JWT.Issuer, Audience: cfg.JWT.Audience,
		AllowAnonymous: cfg.AllowAnonymous,
	})
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	h, err := sign.New(sign.Options{
		Config: cfg, Auth: v, Fallback: creds.DefaultChain{}, Logger: logger,
		Listers: recordListers{oss: ossclient.Config{Endpoint: cfg.InternalEndpoint, Region: cfg.Region, Fallback: creds.DefaultChain{}},
			bucket: cfg.Bucket, prefix: cfg.RecordsPrefix},
	})
	if err != nil {
		return err
	}
	logger.Info("sign: started", "bucket", cfg.Bucket, "region", cfg.Region, "uploadURL", cfg.UploadURL,
		"anonymous", cfg.AllowAnonymous, "hs256", len(cfg.JWT.Secret) > 0, "jwks", cfg.JWT.JWKSURL != "")
	fc.Start(fcadapter.Wrap(h))
	return nil
}

// recordListers builds the record function's OSS store per request, from
// that request's credentials.
type recordListers struct {
	oss    ossclient.Config
	bucket string
	prefix string
}

func (l recordListers) ListerFor(ctx context.Context) (record.Lister, error) {
	b, err := ossclient.Bucket(ctx, l.oss, l.bucket)
	if err != nil {
		return nil, err
	}
	return record.NewOSSStore(b, l.prefix), nil
}
