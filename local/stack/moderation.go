package stack

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/local/greenemu"
	"github.com/ossgate/ossgate/local/wxemu"
)

// moderationEnv starts the moderation stand-ins the profiles of the
// record function's configuration select, and returns the variables that
// point the functions at them: with a profile on aliyun, a Content
// Moderation endpoint (greenemu) that knows the stack's minted STS
// credentials and reads objects from the stack's OSS endpoint.
func (s *Stack) moderationEnv(cfg Config) ([]string, error) {
	env := append(append(append(s.env(cfg), "OSSGATE_FUNCTION=record"), cfg.Env...), cfg.RecordEnv...)
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	used := providers(vars)
	var out []string
	if used[config.ModerationAliyun] {
		url, err := s.startGreen(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, config.VarModerationEndpoint+"="+url)
	}
	if used[config.ModerationWeChat] {
		wx, err := s.startWeChat(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, wx...)
	}
	return out, nil
}

// providers returns the moderation providers the profiles of vars use
// (OSSGATE_PROFILES, else the built-in set; OSSGATE_MODERATION for those
// that name none). Bad profiles use none: the functions report them.
func providers(vars map[string]string) map[string]bool {
	text := vars[config.VarProfiles]
	if text == "" {
		text = config.DefaultProfiles
	} else if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		b, err := os.ReadFile(text)
		if err != nil {
			return nil
		}
		text = string(b)
	}
	ps, err := config.ParseProfiles([]byte(text))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, p := range ps {
		name := p.Moderation.Provider
		if name == "" {
			name = vars[config.VarModeration]
		}
		out[name] = true
	}
	return out
}

// startGreen serves a greenemu and returns its URL.
func (s *Stack) startGreen(cfg Config) (string, error) {
	key := s.AccessKey()
	client, err := oss.New(s.OSSURL, key.AccessKeyID, key.AccessKeySecret, oss.ForcePathStyle(true))
	if err != nil {
		return "", fmt.Errorf("stack: greenemu: %w", err)
	}
	s.Green = greenemu.New(greenemu.Config{
		Credential: s.credential,
		// The service reads the object itself, once it is authorised to
		// read the bucket.
		Read: func(ctx context.Context, region, bucket, key string) ([]byte, error) {
			if region != cfg.Region || bucket != cfg.Bucket {
				return nil, fmt.Errorf("no bucket %s in %s", bucket, region)
			}
			b, err := client.Bucket(bucket)
			if err != nil {
				return nil, err
			}
			rc, err := b.GetObject(key, oss.WithContext(ctx))
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(io.LimitReader(rc, 20<<20))
		},
		Logger: cfg.Logger,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("stack: greenemu: %w", err)
	}
	s.serve(ln, s.Green)
	s.GreenURL = "http://" + ln.Addr().String()
	return s.GreenURL, nil
}

// credential returns the secret and token of one of the stack's minted
// STS credentials.
func (s *Stack) credential(ak string) (string, string, bool) {
	s.sts.mu.Lock()
	defer s.sts.mu.Unlock()
	c, ok := s.sts.minted[ak]
	return c.AccessKeySecret, c.SecurityToken, ok
}

// WeChat test credentials of the local stand-in (not secrets: they open
// nothing but it).
const (
	WeChatAppID  = "wx00000000ossgate"
	WeChatSecret = "local-appsecret-0123456789"
	WeChatToken  = "local-push-token"
	WeChatAESKey = "bG9jYWwtZW5jb2RpbmctYWVzLWtleS0wMTIzNDU2Nzg"
)

// startWeChat serves a wxemu that pushes verdicts to the sign function's
// message-push endpoint in safe mode, and returns the variables of every
// function (AppID, AppSecret, Token, EncodingAESKey, the API URL).
func (s *Stack) startWeChat(cfg Config) ([]string, error) {
	s.WeChat = wxemu.New(wxemu.Config{AppID: WeChatAppID, Secret: WeChatSecret, Token: WeChatToken, AESKey: WeChatAESKey,
		PushURL: s.SignURL + "/wechat/push", Delay: 50 * time.Millisecond, Logger: cfg.Logger})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("stack: wxemu: %w", err)
	}
	s.serve(ln, s.WeChat)
	s.WeChatURL = "http://" + ln.Addr().String()
	return []string{
		config.VarWeChatAppID + "=" + WeChatAppID, config.VarWeChatAppSecret + "=" + WeChatSecret,
		config.VarWeChatToken + "=" + WeChatToken, config.VarWeChatAESKey + "=" + WeChatAESKey,
		config.VarWeChatAPI + "=" + s.WeChatURL,
	}, nil
}
