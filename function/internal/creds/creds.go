// Package creds finds the credentials a function invocation signs and calls
// OSS with. In Function Compute they are the execution role's STS credentials,
// delivered with every invocation and put into its context by the FC
// adapter; they are read per invocation and never cached past it.
package creds

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/signer"
)

// Credentials is the signer's credential value.
type Credentials = signer.Credentials

// ErrNone is returned when neither the invocation nor the environment
// provides credentials.
var ErrNone = errors.New("creds: no credentials: not running in Function Compute and the default credential chain yielded none")

// Fallback resolves credentials outside FC.
type Fallback interface {
	Credentials(ctx context.Context) (Credentials, error)
}

// Resolve returns the invocation's credentials: those ctx carries (see
// invocation.NewContext), else fb's (nil fb means none). It returns an error
// wrapping ErrNone when there are none.
func Resolve(ctx context.Context, fb Fallback) (Credentials, error) {
	if c := invocation.FromContext(ctx).Credentials; c.AccessKeyID != "" {
		return c, nil
	}
	if fb == nil {
		return Credentials{}, ErrNone
	}
	c, err := fb.Credentials(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: %w", ErrNone, err)
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return Credentials{}, ErrNone
	}
	return c, nil
}

// DefaultChain is credentials-go's default chain (environment variables
// ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/SECURITY_TOKEN, OIDC, the CLI profile,
// the credentials file) with one change: the ECS instance metadata service is
// asked only when ALIBABA_CLOUD_ECS_METADATA names a role, so a run outside
// Alibaba Cloud never probes the metadata address.
type DefaultChain struct{}

// Credentials implements Fallback; each call asks the chain afresh.
func (DefaultChain) Credentials(context.Context) (Credentials, error) {
	var chain []providers.CredentialsProvider
	if p, err := providers.NewEnvironmentVariableCredentialsProviderBuilder().Build(); err == nil {
		chain = append(chain, p)
	}
	if p, err := providers.NewOIDCCredentialsProviderBuilder().Build(); err == nil {
		chain = append(chain, p)
	}
	if p, err := providers.NewCLIProfileCredentialsProviderBuilder().Build(); err == nil {
		chain = append(chain, p)
	}
	if p, err := providers.NewProfileCredentialsProviderBuilder().Build(); err == nil {
		chain = append(chain, p)
	}
	if os.Getenv("ALIBABA_CLOUD_ECS_METADATA") != "" {
		if p, err := providers.NewECSRAMRoleCredentialsProviderBuilder().Build(); err == nil {
			chain = append(chain, p)
		}
	}
	var errs []error
	for _, p := range chain {
		c, err := p.GetCredentials()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
	}
	if len(errs) == 0 {
		return Credentials{}, errors.New("creds: no provider in the default chain is configured")
	}
	return Credentials{}, fmt.Errorf("creds: default chain: %w", errors.Join(errs...))
}
