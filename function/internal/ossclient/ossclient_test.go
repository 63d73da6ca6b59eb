package ossclient

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	type signing struct {
		AccessKeyID, SecurityToken string
		PathStyle                  bool // for an IP endpoint
		AuthVersion, Region        string
	}
	want := signing{c.AccessKeyID, c.SecurityToken, true, "v4", "cn-hangzhou"}
	got := signing{cl.Config.AccessKeyID, cl.Config.SecurityToken, cl.Config.IsPathStyle, string(cl.Config.AuthVersion), cl.Config.Region}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("client (-want +got):\n%s", d)
	}
}

func TestBucketWithoutCredentials(t *testing.T) {
	if _, err := FromConfig(local, nil).Bucket(context.Background()); !errors.Is(err, creds.ErrNone) {
		t.Errorf("Bucket without credentials: got %v, want an error wrapping creds.ErrNone", err)
	}
}
