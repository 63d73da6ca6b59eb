package sign

import (
	"context"
	"errors"
	"fmt"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// Opener opens, for one request and with the credentials in its context,
// what the handler calls besides the signer: the record store (the OSS
// store built with those credentials, or the deployment's SQL store) and
// OSS. An error wrapping creds.ErrNone becomes 503 NoCredentials.
type Opener interface {
	Store(ctx context.Context) (records.Store, error)
	OSS(ctx context.Context) (OSS, error)
}

// OSS is what the handler asks of OSS: the multipart calls (as
// ossclient.Multipart makes them), and Delete for DELETE /uploads/{id}
// (deleting a missing object is not an error).
type OSS interface {
	Initiate(key string, in ossclient.Initiation) (uploadID string, err error)
	ListParts(key, uploadID string) ([]ossclient.Part, error)
	Complete(key, uploadID string, parts []ossclient.Part, forbidOverwrite bool) (etag string, err error)
	Abort(key, uploadID string) error
	Head(key string) (ossclient.Head, error)
	Delete(key string) error
}

// store opens the request's record store: without an Opener, 503 (a
// quota is never left unenforced).
func (h *Handler) store(ctx context.Context) (records.Store, error) {
	if h.o.Open == nil {
		return nil, storeError(errors.New("sign: no Opener, so no record store"))
	}
	s, err := h.o.Open.Store(ctx)
	if err != nil {
		return nil, openError(err, storeError)
	}
	return s, nil
}

// oss opens the request's OSS calls.
func (h *Handler) oss(ctx context.Context) (OSS, error) {
	o, err := h.o.Open.OSS(ctx)
	if err != nil {
		return nil, openError(err, func(err error) *Error { return asError(fmt.Errorf("sign: open OSS: %w", err)) })
	}
	return o, nil
}

// openError maps a failure to open what a request calls: no credentials
// in the invocation is 503 NoCredentials, anything else other(err).
func openError(err error, other func(error) *Error) *Error {
	if errors.Is(err, creds.ErrNone) {
		return noCredentials(err)
	}
	return other(err)
}

// storeError is the answer to a failure of the record store: 503, so that
// a client tries again; the cause (its DSN redacted by the store) is
// logged, never shown.
func storeError(err error) *Error {
	return &Error{Code: wire.CodeStoreUnavailable, Message: "the record store is not available; try again", Err: err}
}
