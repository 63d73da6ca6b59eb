package stack

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/local/greenemu"
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
	c, err := config.Load(config.Record, func(k string) string { return vars[k] })
	if err != nil {
		return nil, nil // the record function reports it
	}
	var out []string
	if c.Moderates(config.ModerationAliyun) {
		url, err := s.startGreen(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, config.VarModerationEndpoint+"="+url)
	}
	return out, nil
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
