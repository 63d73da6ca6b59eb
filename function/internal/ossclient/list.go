package ossclient

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Listed is one object as a listing shows it.
type Listed struct {
	Key          string
	ETag         string // as OSS lists it, quoted
	Size         int64
	LastModified time.Time
}

// List calls visit with the objects under prefix whose keys sort after
// startAfter ("" for all), a page at a time in key order, until the
// listing ends or visit returns false. Each page is one ListObjectsV2
// request of at most 1,000 keys.
func (o Objects) List(ctx context.Context, prefix, startAfter string, visit func([]Listed) bool) error {
	token := ""
	for {
		opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(listPageSize), oss.WithContext(ctx)}
		if token != "" {
			opts = append(opts, oss.ContinuationToken(token))
		} else if startAfter != "" {
			opts = append(opts, oss.StartAfter(startAfter))
		}
		res, err := o.Bucket.ListObjectsV2(opts...)
		if err != nil {
			return fmt.Errorf("ossclient: list %q: %w", prefix, err)
		}
		page := make([]Listed, len(res.Objects))
		for i, obj := range res.Objects {
			page[i] = Listed{Key: obj.Key, ETag: obj.ETag, Size: obj.Size, LastModified: obj.LastModified}
		}
		if !visit(page) || !res.IsTruncated || res.NextContinuationToken == "" {
			return nil
		}
		token = res.NextContinuationToken
	}
}
