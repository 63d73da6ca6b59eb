package deadletter

import (
	"context"

	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// OSSStore implements Store with ossclient's object calls on the bucket
// (one per invocation).
type OSSStore struct{ Objects ossclient.Objects }

// Put implements Store: a JSON object, private as everything under the
// records prefix is (the bucket's ACL; the records prefix is never public).
func (o OSSStore) Put(ctx context.Context, key string, body []byte) error {
	return o.Objects.Put(ctx, key, "application/json", body)
}

// List implements Store, 1,000 keys a request.
func (o OSSStore) List(ctx context.Context, prefix string, visit func([]string) bool) error {
	return o.Objects.List(ctx, prefix, "", func(page []ossclient.Listed) bool {
		keys := make([]string, len(page))
		for i, obj := range page {
			keys[i] = obj.Key
		}
		return visit(keys)
	})
}

// Get implements Store; a letter larger than Keep writes is an error.
func (o OSSStore) Get(ctx context.Context, key string) ([]byte, error) {
	return o.Objects.Get(ctx, key, maxLetter)
}

// Delete implements Store; a missing key is not an error.
func (o OSSStore) Delete(ctx context.Context, key string) error {
	return o.Objects.Delete(ctx, key)
}
