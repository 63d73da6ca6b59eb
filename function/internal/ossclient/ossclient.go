// Package ossclient builds aliyun-oss-go-sdk clients for one function
// invocation (or one HTTP request) from that invocation's credentials. A
// client is never cached across invocations: FC hands every invocation fresh
// STS credentials.
package ossclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/creds"
)

// Config says where and how to reach OSS. The zero value of every optional
// field is its default.
type Config struct {
	// Endpoint is the OSS endpoint SDK calls go to, e.g.
	// "https://oss-cn-hangzhou-internal.aliyuncs.com" or
	// "http://127.0.0.1:9000". Required. An IP or localhost endpoint is
	// addressed path-style (/bucket/key), any other virtual-host style.
	Endpoint string
	// Region, like "cn-hangzhou", is required for V4 request signing.
	Region string
	// AuthV1 signs requests with OSS's V1 header signature instead of V4.
	AuthV1 bool
	// Fallback supplies credentials outside FC (see creds.Resolve); nil
	// means none.
	Fallback creds.Fallback
	// ConnectTimeout and ReadWriteTimeout default to 5s and 30s.
	ConnectTimeout, ReadWriteTimeout time.Duration
}

// New returns a client signed with the credentials creds.Resolve(ctx,
// cfg.Fallback) yields now, including the STS security token when there is
// one. Errors wrap creds.ErrNone when there are no credentials.
func New(ctx context.Context, cfg Config) (*oss.Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("ossclient: empty endpoint")
	}
	c, err := creds.Resolve(ctx, cfg.Fallback)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	opts := []oss.ClientOption{oss.Timeout(seconds(cfg.ConnectTimeout, 5*time.Second), seconds(cfg.ReadWriteTimeout, 30*time.Second))}
	if c.SecurityToken != "" {
		opts = append(opts, oss.SecurityToken(c.SecurityToken))
	}
	if !cfg.AuthV1 {
		if cfg.Region == "" {
			return nil, errors.New("ossclient: V4 signing needs a region")
		}
		opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(strings.TrimPrefix(cfg.Region, "oss-")))
	}
	if pathStyle(cfg.Endpoint) {
		opts = append(opts, oss.ForcePathStyle(true))
	}
	cl, err := oss.New(cfg.Endpoint, c.AccessKeyID, c.AccessKeySecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	return cl, nil
}

// Bucket returns a handle on bucket through a client made by New.
func Bucket(ctx context.Context, cfg Config, bucket string) (*oss.Bucket, error) {
	cl, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	b, err := cl.Bucket(bucket)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	return b, nil
}

// pathStyle reports whether endpoint's host is an IP address or localhost.
func pathStyle(endpoint string) bool {
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || net.ParseIP(h) != nil
}

// seconds converts d (or def when d is zero) to whole seconds, at least 1.
func seconds(d, def time.Duration) int64 {
	if d <= 0 {
		d = def
	}
	return max(int64(d/time.Second), 1)
}
