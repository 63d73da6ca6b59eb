package ossclient

import (
	"context"
	"errors"
	"testing"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
)

var local = config.OSS{Bucket: "b1", Region: "cn-hangzhou", InternalEndpoint: "http://127.0.0.1:1"}

func TestClientUsesContextCredentials(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "STS.fake-id", AccessKeySecret: "fake-secret", SecurityToken: "fake-token"}
	ctx := invocation.NewContext(context.Background(), invocation.Info{Credentials: c})
	cl, err := FromConfig(local, nil).Client(ctx)
	if err != nil {
		t.Fatalf("Client: %v", err)
	}
	if cl.Config.AccessKeyID != c.AccessKeyID || cl.Config.SecurityToken != c.SecurityToken {
		t.Errorf("client credentials: got id %q token %q, want %q %q", cl.Config.AccessKeyID, cl.Config.SecurityToken, c.AccessKeyID, c.SecurityToken)
	}
	if !cl.Config.IsPathStyle {
		t.Error("client for an IP endpoint: got virtual-host style, want path style")
	}
	if cl.Config.AuthVersion != "v4" || cl.Config.Region != "cn-hangzhou" {
		t.Errorf("got auth %q region %q, want v4 signing for cn-hangzhou", cl.Config.AuthVersion, cl.Config.Region)
	}
}

func TestBucketWithoutCredentials(t *testing.T) {
	if _, err := FromConfig(local, nil).Bucket(context.Background()); !errors.Is(err, creds.ErrNone) {
		t.Errorf("Bucket without credentials: got %v, want an error wrapping creds.ErrNone", err)
	}
}
