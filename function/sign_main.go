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
	"github.com/ossgate/ossgate/function/internal/records"
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
	n, err := newNotifier(cfg, oss, logger)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	o := sign.Options{Config: cfg, Auth: v, Fallback: creds.DefaultChain{}, Logger: logger, Open: signOpener{stores: st, oss: oss},
		Notify: n.hook(n.change)}
	if cfg.Callback.On() {
		// The callback records as the record function does, but leaves a
		// moderation to it; the app is told of the outcome, or the event is
		// kept for the maintenance.
		rh, err := recordHandlerOf(cfg, oss, st, logger, n.hook(n.outcomeOrKeep), true)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		o.Recorder = callbackRecorder{rh}
	}
	h, err := sign.New(o)
	if err != nil {
		return err
	}
	logger.Info("sign: started", "bucket", cfg.OSS.Bucket, "region", cfg.OSS.Region, "uploadURL", cfg.OSS.UploadURL,
		"callback", cfg.Callback.URL, "anonymous", cfg.Auth.AllowAnonymous, "hs256", len(cfg.Auth.Secret) > 0, "jwks", cfg.Auth.JWKSURL != "", "records", st.describe(cfg))
	front, err := withPush(cfg, h, oss, st, n, logger)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	fc.Start(fcadapter.Wrap(front))
	return nil
}

// signOpener opens the sign function's record store and OSS calls per
// request, with that request's credentials.
type signOpener struct {
	stores stores
	oss    ossclient.Opener
}

func (o signOpener) Store(ctx context.Context) (records.Store, error) { return o.stores.StoreFor(ctx) }

func (o signOpener) OSS(ctx context.Context) (sign.OSS, error) {
	b, err := o.oss.Bucket(ctx)
	if err != nil {
		return nil, err
	}
	return signOSS{Multipart: ossclient.Multipart{Bucket: b}, ctx: ctx, stores: o.stores}, nil
}

// signOSS is one request's OSS calls: the multipart calls on its bucket,
// and deletes through the stores (which own how an upload is deleted).
type signOSS struct {
	ossclient.Multipart
	ctx    context.Context
	stores stores
}

func (s signOSS) Delete(key string) error { return s.stores.DeleteObject(s.ctx, key) }

// callbackRecorder records, for POST /callback, with the record function's
// code.
type callbackRecorder struct{ h *record.Handler }

func (c callbackRecorder) Record(ctx context.Context, bucket, key, etag string) (records.Record, error) {
	return c.h.RecordObject(ctx, bucket, key, etag, record.EventCallback)
}
