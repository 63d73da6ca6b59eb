package sign

import (
	"context"
	"errors"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/records"
)

// StoreOpener returns the record store for one request: the OSS store
// built from the request's credentials (errors wrapping creds.ErrNone
// become 503 NoCredentials), or the deployment's SQL store.
type StoreOpener interface {
	StoreFor(ctx context.Context) (records.Store, error)
}

// store opens the request's record store.
func (h *Handler) store(ctx context.Context) (records.Store, error) {
	s, err := h.o.Store.StoreFor(ctx)
	if errors.Is(err, creds.ErrNone) {
		return nil, &Error{Code: CodeNoCredentials, Message: "no credentials to read records with", Err: err}
	}
	if err != nil {
		return nil, storeError(err)
	}
	return s, nil
}

// storeError is the answer to a failure of the record store: 503, so that
// a client tries again; the cause (its DSN redacted by the store) is
// logged, never shown.
func storeError(err error) *Error {
	return &Error{Code: CodeStoreUnavailable, Message: "the record store is not available; try again", Err: err}
}
