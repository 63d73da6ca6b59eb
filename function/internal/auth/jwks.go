package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/MicahParks/keyfunc/v3"
)

// Limits of the key set fetch.
const (
	// MaxJWKSBytes is the largest key set document read.
	MaxJWKSBytes = 1 << 20
	// DefaultFetchTimeout bounds one fetch of the key set.
	DefaultFetchTimeout = 5 * time.Second
)

var errRedirect = errors.New("auth: the key set URL redirects; redirects are not followed")

// newKeySet fetches the key set at url once (the error, naming url, is the
// caller's start-up error) and keeps refreshing it in the background, hourly
// and on an unknown kid, until ctx ends. Every fetch goes through jwksClient.
func newKeySet(ctx context.Context, url string, o Options) (keyfunc.Keyfunc, error) {
	timeout := o.FetchTimeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	failFirst := false
	k, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{url}, keyfunc.Override{
		Client: jwksClient(o.HTTPClient, timeout), HTTPTimeout: timeout, NoErrorReturnFirstHTTPReq: &failFirst,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: fetch the key set %s: %w", url, err)
	}
	keys, err := k.Storage().KeyReadAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: read the key set %s: %w", url, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("auth: the key set %s holds no usable key", url)
	}
	return k, nil
}

// jwksClient returns a copy of base (nil: a new client) that times out after
// timeout, follows no redirect and reads at most MaxJWKSBytes of a body.
func jwksClient(base *http.Client, timeout time.Duration) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = cappedBodies{rt}
	c.Timeout = timeout
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return errRedirect }
	return c
}

// cappedBodies is a RoundTripper whose response bodies fail once more than
// MaxJWKSBytes are read.
type cappedBodies struct{ next http.RoundTripper }

func (c cappedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = &cappedBody{ReadCloser: resp.Body, left: MaxJWKSBytes}
	}
	return resp, err
}

type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("auth: key set larger than %d bytes", MaxJWKSBytes)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, fmt.Errorf("auth: key set larger than %d bytes", MaxJWKSBytes)
	}
	return n, err
}
