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
	"github.com/ossgate/ossgate/function/internal/sign"
)

// runSign builds the sign function's handler from cfg and serves FC
// invocations; it returns only on a wiring error.
func runSign(cfg config.Config, logger *slog.Logger) error {
	v, err := auth.FromConfig(context.Background(), cfg.Auth, auth.Options{})
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	oss := ossclient.FromConfig(cfg.OSS, creds.DefaultChain{})
	st, err := newStores(cfg, oss, logger)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	h, err := sign.New(sign.Options{
		Config: cfg, Auth: v, Fallback: creds.DefaultChain{}, Logger: logger, Store: st, Objects: st,
		Multipart: multipartOpener{oss: oss},
	})
	if err != nil {
		return err
	}
	logger.Info("sign: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadURL", cfg.OSS.UploadURL,
		"anonymous", cfg.Auth.AllowAnonymous, "hs256", len(cfg.Auth.Secret) > 0, "jwks", cfg.Auth.JWKSURL != "", "records", st.describe(cfg))
	fc.Start(fcadapter.Wrap(h))
	return nil
}

// multipartOpener opens the multipart calls per request, with that
// request's credentials.
type multipartOpener struct {
	oss ossclient.Opener
}

func (m multipartOpener) MultipartFor(ctx context.Context) (sign.MultipartOSS, error) {
	b, err := m.oss.Bucket(ctx)
	if err != nil {
		return nil, err
	}
	return ossclient.Multipart{Bucket: b}, nil
}
