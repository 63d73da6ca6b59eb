package ossclient

import (
	"context"
	"errors"
	"testing"

	"github.com/ossgate/ossgate/function/internal/creds"
)

func TestPathStyle(t *testing.T) {
	tests := []struct {
		endpoint string
		want     bool
	}{
		{"http://127.0.0.1:9000", true},
		{"127.0.0.1:9000", true},
		{"http://localhost:9000", true},
		{"http://[::1]:9000", true},
		{"https://oss-cn-hangzhou-internal.aliyuncs.com", false},
		{"oss-cn-hangzhou.aliyuncs.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			if got := pathStyle(tt.endpoint); got != tt.want {
				t.Errorf("pathStyle(%q): got %v, want %v", tt.endpoint, got, tt.want)
			}
		})
	}
}

func TestNewUsesContextCredentials(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "STS.fake-id", AccessKeySecret: "fake-secret", SecurityToken: "fake-token"}
	ctx := creds.NewContext(context.Background(), c)
	cl, err := New(ctx, Config{Endpoint: "http://127.0.0.1:1", Region: "cn-hangzhou"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if cl.Config.AccessKeyID != c.AccessKeyID || cl.Config.SecurityToken != c.SecurityToken {
		t.Errorf("client credentials: got id %q token %q, want %q %q", cl.Config.AccessKeyID, cl.Config.SecurityToken, c.AccessKeyID, c.SecurityToken)
	}
	if !cl.Config.IsPathStyle {
		t.Error("client for an IP endpoint: got virtual-host style, want path style")
	}
}

func TestNewErrors(t *testing.T) {
	ctx := creds.NewContext(context.Background(), creds.Credentials{AccessKeyID: "id", AccessKeySecret: "s"})
	tests := []struct {
		name string
		ctx  context.Context
		cfg  Config
		is   error
	}{
		{"no endpoint", ctx, Config{Region: "cn-hangzhou"}, nil},
		{"no region for V4", ctx, Config{Endpoint: "http://127.0.0.1:1"}, nil},
		{"no credentials", context.Background(), Config{Endpoint: "http://127.0.0.1:1", Region: "cn-hangzhou"}, creds.ErrNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.ctx, tt.cfg)
			if err == nil || tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("New: got %v, want an error (wrapping %v)", err, tt.is)
			}
		})
	}
}
