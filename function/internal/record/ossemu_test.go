package record_test

import (
	"context"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

// emu is a local OSS endpoint reached through the real SDK, with a
// fault-injecting front.
type emu struct{ *testutil.LocalOSS }

// fake STS credentials the emulator accepts.
var emuCreds = creds.Credentials{AccessKeyID: "STS.fake-record-test", AccessKeySecret: "fake-record-secret", SecurityToken: "fake-record-token"}

func newEmu(t *testing.T) *emu {
	t.Helper()
	return &emu{testutil.StartLocalOSS(t, bucket, ossemu.Credential{
		AccessKeyID: emuCreds.AccessKeyID, AccessKeySecret: emuCreds.AccessKeySecret, SecurityToken: emuCreds.SecurityToken})}
}

// ctx carries the fake invocation credentials, as the FC adapter puts them.
func (e *emu) ctx(t *testing.T) context.Context {
	return invocation.NewContext(t.Context(), invocation.Info{RequestID: "req-emu", Credentials: emuCreds})
}

// opener opens the emulator's bucket as the record function opens OSS.
func (e *emu) opener() ossclient.Opener {
	return ossclient.FromConfig(config.OSS{Bucket: bucket, Region: "cn-hangzhou", InternalEndpoint: e.URL}, nil)
}

// bucket returns an SDK bucket as the record function builds it.
func (e *emu) bucket(t *testing.T) *oss.Bucket {
	t.Helper()
	b, err := e.opener().Bucket(e.ctx(t))
	if err != nil {
		t.Fatalf("ossclient: %v", err)
	}
	return b
}
