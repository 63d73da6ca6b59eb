package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/moderation/wechat"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/signer"
)

// PushPath is the sign function's WeChat message-push endpoint.
const PushPath = "/wechat/push"

// mediaURLExpiry is how long WeChat may fetch an image: it answers within
// 30 minutes.
const mediaURLExpiry = time.Hour

// traces opens the trace store with each call's credentials.
type traces struct {
	oss    ossclient.Opener
	prefix string
}

func (t traces) open(ctx context.Context) (wechat.OSSTraces, error) {
	objs, err := t.oss.Objects(ctx)
	return wechat.OSSTraces{Objects: objs, Prefix: t.prefix}, err
}

func (t traces) Put(ctx context.Context, id string, ref wechat.Ref) error {
	s, err := t.open(ctx)
	if err != nil {
		return err
	}
	return s.Put(ctx, id, ref)
}

func (t traces) Get(ctx context.Context, id string) (wechat.Ref, error) {
	s, err := t.open(ctx)
	if err != nil {
		return wechat.Ref{}, err
	}
	return s.Get(ctx, id)
}

// wechatProvider is the record function's wechat provider.
func wechatProvider(cfg config.Config, oss ossclient.Opener) *wechat.Provider {
	return &wechat.Provider{
		Client: &wechat.Client{API: cfg.WeChat.API, AppID: cfg.WeChat.AppID, Secret: cfg.WeChat.AppSecret},
		// A presigned GET on the bucket's public URL, with the invocation's
		// credentials.
		MediaURL: func(ctx context.Context, r records.Record) (string, error) {
			c, err := creds.Resolve(ctx, creds.DefaultChain{})
			if err != nil {
				return "", err
			}
			p, err := signer.Presign(c, signer.PresignRequest{Method: "GET", Bucket: cfg.OSS.Bucket, Key: r.Key, Expires: mediaURLExpiry},
				cfg.OSS.Region, time.Now())
			if err != nil {
				return "", err
			}
			return cfg.OSS.UploadURL + "/" + upload.EscapeKey(r.Key) + "?" + p.Query, nil
		},
		Traces:     traces{oss: oss, prefix: wechat.TracesPrefix(cfg.Prefixes)},
		CheckNames: cfg.WeChat.CheckNames,
	}
}

// withPush serves WeChat's pushes on PushPath beside h when a profile is
// on wechat: a verdict settles its record, quarantines a rejected upload
// and tells the app, as the record function does.
func withPush(cfg config.Config, h http.Handler, oss ossclient.Opener, st stores, n *notifier, logger *slog.Logger) (http.Handler, error) {
	if !cfg.Moderates(config.ModerationWeChat) {
		return h, nil
	}
	// The sign function applies verdicts only; it never asks for one.
	asks := moderation.ProviderFunc(func(context.Context, records.Record, config.Moderation) (moderation.Result, error) {
		return moderation.Result{}, errors.New("sign: verdicts are asked for by the record function")
	})
	rec, err := record.NewHandler(cfg, record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			objs, err := oss.Objects(ctx)
			if err != nil {
				return nil, nil, err
			}
			return record.OSSObjects{Objects: objs}, st.of(objs), nil
		},
		Moderators: map[string]moderation.Provider{config.ModerationWeChat: asks},
		Notify:     n.hook(n.outcomeOrKeep),
		Logger:     logger,
	})
	if err != nil {
		return nil, err
	}
	tr := traces{oss: oss, prefix: wechat.TracesPrefix(cfg.Prefixes)}
	push := &wechat.Push{
		Token: cfg.WeChat.Token, AESKey: cfg.WeChat.AESKey, AppID: cfg.WeChat.AppID, Logger: logger,
		Traces: func(context.Context) (wechat.Traces, error) { return tr, nil },
		Apply: func(ctx context.Context, ref wechat.Ref, res moderation.Result) error {
			_, err := rec.ApplyVerdict(ctx, ref.User, ref.ID, res)
			return err
		},
	}
	mux := http.NewServeMux()
	mux.Handle(PushPath, push)
	mux.Handle("/", h)
	return mux, nil
}
