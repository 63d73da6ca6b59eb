package deadletter

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// OSSStore implements Store on an OSS bucket (one per invocation).
type OSSStore struct{ Bucket *oss.Bucket }

// Put implements Store: a PUT, private as everything under the records
// prefix is (the bucket's ACL; the records prefix is never public).
func (o OSSStore) Put(ctx context.Context, key string, body []byte) error {
	return o.Bucket.PutObject(key, bytes.NewReader(body), oss.ContentType("application/json"), oss.WithContext(ctx))
}

// List implements Store with ListObjectsV2, 1,000 keys a request.
func (o OSSStore) List(ctx context.Context, prefix string, visit func([]string) bool) error {
	token := ""
	for {
		opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(1000), oss.WithContext(ctx)}
		if token != "" {
			opts = append(opts, oss.ContinuationToken(token))
		}
		res, err := o.Bucket.ListObjectsV2(opts...)
		if err != nil {
			return err
		}
		keys := make([]string, len(res.Objects))
		for i, obj := range res.Objects {
			keys[i] = obj.Key
		}
		if !visit(keys) || !res.IsTruncated {
			return nil
		}
		token = res.NextContinuationToken
	}
}

// Get implements Store.
func (o OSSStore) Get(ctx context.Context, key string) ([]byte, error) {
	rc, err := o.Bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLetter+1))
	if err == nil && len(b) > maxLetter {
		err = fmt.Errorf("%s: larger than %d bytes", key, maxLetter)
	}
	return b, err
}

// Delete implements Store; a missing key is not an error.
func (o OSSStore) Delete(ctx context.Context, key string) error {
	err := o.Bucket.DeleteObject(key, oss.WithContext(ctx))
	if ossclient.IsNotFound(err) {
		return nil
	}
	return err
}
