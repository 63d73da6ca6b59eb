// Package ossclient builds aliyun-oss-go-sdk clients for one function
// invocation (or one HTTP request) from that invocation's credentials. A
// client is never cached across invocations: FC hands every invocation fresh
// STS credentials.
package ossclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/signer"
)

// Timeouts of every SDK call, in seconds: connecting, and reading or
// writing.
const (
	connectTimeout   = 5
	readWriteTimeout = 30
)

// Opener opens the configured bucket for one invocation. Its zero value is
// not usable; make one with FromConfig.
type Opener struct {
	cfg      config.OSS
	fallback creds.Fallback
}

// FromConfig returns an Opener of cfg.Bucket at cfg.InternalEndpoint, signed
// (OSS V4) for cfg.Region. fb supplies credentials when the invocation's
// context carries none (see creds.Resolve); nil means none.
func FromConfig(cfg config.OSS, fb creds.Fallback) Opener {
	return Opener{cfg: cfg, fallback: fb}
}

// Client returns a client signed with the credentials creds.Resolve yields
// for ctx now, including the STS security token when there is one; an IP or
// localhost endpoint is addressed path-style (signer.PathStyle). Errors wrap
// creds.ErrNone when there are no credentials.
func (o Opener) Client(ctx context.Context) (*oss.Client, error) {
	c, err := creds.Resolve(ctx, o.fallback)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	opts := []oss.ClientOption{oss.Timeout(connectTimeout, readWriteTimeout),
		oss.AuthVersion(oss.AuthV4), oss.Region(o.cfg.Region)}
	if c.SecurityToken != "" {
		opts = append(opts, oss.SecurityToken(c.SecurityToken))
	}
	if signer.PathStyle(o.cfg.InternalEndpoint) {
		opts = append(opts, oss.ForcePathStyle(true))
	}
	cl, err := oss.New(o.cfg.InternalEndpoint, c.AccessKeyID, c.AccessKeySecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	return cl, nil
}

// Bucket returns a handle on the configured bucket through a Client.
func (o Opener) Bucket(ctx context.Context) (*oss.Bucket, error) {
	cl, err := o.Client(ctx)
	if err != nil {
		return nil, err
	}
	b, err := cl.Bucket(o.cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("ossclient: %w", err)
	}
	return b, nil
}

// Answer returns the HTTP status and OSS error code of err when it is an
// answer of OSS (the code is "" for an answer without a body, and for an
// unexpected success status), and false when it is not one (a network
// error, a timeout, missing credentials).
func Answer(err error) (status int, code string, ok bool) {
	var se oss.ServiceError
	if errors.As(err, &se) {
		return se.StatusCode, se.Code, true
	}
	var ue oss.UnexpectedStatusCodeError
	if errors.As(err, &ue) {
		return ue.Got(), "", true
	}
	return 0, "", false
}

// IsDenied reports whether err is OSS's 403 AccessDenied (in tag mode, the
// bucket policy that hides quarantined objects refuses their reads).
func IsDenied(err error) bool {
	status, code, _ := Answer(err)
	return status == http.StatusForbidden && code == "AccessDenied"
}

// IsNotFound reports whether err is OSS's answer for a missing object:
// NoSuchKey, or a 404 to a HEAD (which has no body to name the code), but
// not a missing bucket.
func IsNotFound(err error) bool {
	var se oss.ServiceError
	return errors.As(err, &se) && (se.Code == "NoSuchKey" || se.StatusCode == http.StatusNotFound && se.Code != "NoSuchBucket")
}
