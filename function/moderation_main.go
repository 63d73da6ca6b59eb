package main

import (
	"context"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/moderation/aliyun"
	modwebhook "github.com/ossgate/ossgate/function/internal/moderation/webhook"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	hook "github.com/ossgate/ossgate/function/internal/webhook"
	"github.com/ossgate/ossgate/signer"
)

// moderators returns the moderation providers the profiles of cfg use.
func moderators(cfg config.Config, oss ossclient.Opener) (map[string]moderation.Provider, error) {
	out := map[string]moderation.Provider{}
	if cfg.Moderates(config.ModerationWeChat) {
		out[config.ModerationWeChat] = wechatProvider(cfg, oss)
	}
	if cfg.Moderates(config.ModerationWebhook) {
		s, err := hook.NewSender(cfg.Webhook.ModerationURL, cfg.Webhook.Secret, nil, nil)
		if err != nil {
			return nil, err
		}
		out[config.ModerationWebhook] = modwebhook.New(s)
	}
	if cfg.Moderates(config.ModerationAliyun) {
		p, err := aliyun.New(aliyun.Options{Endpoint: cfg.ModerationEndpoint, Region: cfg.OSS.Region, Bucket: cfg.OSS.Bucket,
			// The invocation's STS credentials: the function role's.
			Credentials: func(ctx context.Context) (signer.Credentials, error) { return creds.Resolve(ctx, creds.DefaultChain{}) }})
		if err != nil {
			return nil, err
		}
		out[config.ModerationAliyun] = p
	}
	return out, nil
}
