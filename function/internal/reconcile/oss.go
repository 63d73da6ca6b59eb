package reconcile

import (
	"context"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// OSSObjects implements Objects on an OSS bucket (one per invocation).
type OSSObjects struct{ Bucket *oss.Bucket }

// List implements Objects with ListObjectsV2, 1,000 objects a request.
func (o OSSObjects) List(ctx context.Context, prefix, startAfter string, visit func([]Object) bool) error {
	token := ""
	for {
		opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(1000), oss.WithContext(ctx)}
		if token != "" {
			opts = append(opts, oss.ContinuationToken(token))
		} else if startAfter != "" {
			opts = append(opts, oss.StartAfter(startAfter))
		}
		res, err := o.Bucket.ListObjectsV2(opts...)
		if err != nil {
			return err
		}
		page := make([]Object, len(res.Objects))
		for i, obj := range res.Objects {
			page[i] = Object{Key: obj.Key, ETag: obj.ETag, Size: obj.Size, LastModified: obj.LastModified}
		}
		if !visit(page) || !res.IsTruncated {
			return nil
		}
		token = res.NextContinuationToken
	}
}
