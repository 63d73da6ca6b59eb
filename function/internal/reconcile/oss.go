package reconcile

import (
	"context"

	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// OSSObjects implements Objects with ossclient's listing of the bucket
// (one per invocation).
type OSSObjects struct{ Objects ossclient.Objects }

// List implements Objects, 1,000 objects a request.
func (o OSSObjects) List(ctx context.Context, prefix, startAfter string, visit func([]Object) bool) error {
	return o.Objects.List(ctx, prefix, startAfter, func(listed []ossclient.Listed) bool {
		page := make([]Object, len(listed))
		for i, obj := range listed {
			page[i] = Object(obj)
		}
		return visit(page)
	})
}
