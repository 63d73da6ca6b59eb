// Package ossstore is the records.Store of a deployment: one JSON object per
// record in the bucket, under the records prefix (upload.Layout names the
// keys). It needs no database and lists a user's records with one
// ListObjectsV2 call per page.
package ossstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// maxRecordSize bounds how much of a record object is read.
const maxRecordSize = 64 << 10

// listConcurrency bounds the parallel GETs of one List call.
const listConcurrency = 8

// maxListLimit is the most keys one ListObjectsV2 call returns.
const maxListLimit = 1000

// Store keeps records in an OSS bucket. It holds a bucket built for one
// invocation or request; make a new one per invocation so credentials are
// never reused past it.
type Store struct {
	bucket *oss.Bucket
	layout upload.Layout
}

// New returns a store of records in bucket, under layout's records prefix.
// The bucket should come from an ossclient.Opener for the current
// invocation or request.
func New(bucket *oss.Bucket, layout upload.Layout) *Store {
	return &Store{bucket: bucket, layout: layout}
}

// Put implements records.Store. The ID object is the claim: it is written first,
// with x-oss-forbid-overwrite, holding the record object's key; the record
// object is then written, also without overwriting, at the key the claim
// holds — this Put's or an earlier one's. Concurrent Puts of one ID thus
// end in one record object, and a Put cut off between the two writes is
// completed by the next Put of that ID; until then Get and List do not see
// the record. Put assumes an unversioned bucket, where OSS honours
// x-oss-forbid-overwrite.
func (s *Store) Put(ctx context.Context, r records.Record) error {
	if r.ID == "" {
		return errors.New("ossstore: put: empty id")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
	}
	idKey, key := s.layout.RecordIDKey(r.ID), s.layout.RecordKey(r.Uploader, r.UploadedAt, r.ID)
	created, err := s.putOnce(ctx, idKey, []byte(key), "text/plain")
	if err != nil {
		return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
	}
	if !created {
		if key, err = s.claimedKey(ctx, r.ID); err != nil {
			return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
		}
	}
	if _, err := s.putOnce(ctx, key, body, "application/json"); err != nil {
		return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
	}
	return nil
}

// putOnce writes key unless it exists, and reports whether it wrote it.
func (s *Store) putOnce(ctx context.Context, key string, body []byte, ctype string) (bool, error) {
	err := s.bucket.PutObject(key, bytes.NewReader(body), oss.ContentType(ctype),
		oss.ForbidOverWrite(true), oss.WithContext(ctx))
	var se oss.ServiceError
	if errors.As(err, &se) && se.Code == "FileAlreadyExists" {
		return false, nil
	}
	return err == nil, err
}

// claimedKey returns the record key the ID object of id holds.
func (s *Store) claimedKey(ctx context.Context, id string) (string, error) {
	b, err := s.read(ctx, s.layout.RecordIDKey(id))
	if err != nil {
		return "", err
	}
	key := string(b)
	if !s.layout.IsRecordKeyOf(key, id) {
		return "", fmt.Errorf("ID object holds %q, not a record key of %s", key, id)
	}
	return key, nil
}

// Get implements records.Store.
func (s *Store) Get(ctx context.Context, id string) (records.Record, error) {
	key, err := s.claimedKey(ctx, id)
	if err != nil {
		return records.Record{}, fmt.Errorf("ossstore: get %s: %w", id, err)
	}
	r, err := s.readRecord(ctx, key)
	if err != nil {
		return records.Record{}, fmt.Errorf("ossstore: get %s: %w", id, err)
	}
	return r, nil
}

// read returns the body of key; a missing object wraps records.ErrNotFound.
func (s *Store) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := s.bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		if ossclient.IsNotFound(err) {
			return nil, fmt.Errorf("%w: %w", records.ErrNotFound, err)
		}
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxRecordSize))
}

func (s *Store) readRecord(ctx context.Context, key string) (records.Record, error) {
	b, err := s.read(ctx, key)
	if err != nil {
		return records.Record{}, err
	}
	var r records.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return records.Record{}, fmt.Errorf("%s: %w", key, err)
	}
	return r, nil
}

// List implements records.Lister: one ListObjectsV2 page under the user's prefix,
// then the records fetched in parallel (at most 8 at a time). A limit above
// 1000 counts as 1000. Records that vanish meanwhile, or whose uploader is
// not user, are left out.
func (s *Store) List(ctx context.Context, user, cur string, limit int) (records.Page, error) {
	if limit < 1 {
		return records.Page{}, fmt.Errorf("ossstore: list: limit %d, want at least 1", limit)
	}
	limit = min(limit, maxListLimit)
	prefix := s.layout.UserRecordsPrefix(user)
	token, err := records.DecodeCursor(cur, prefix)
	if err != nil {
		return records.Page{}, fmt.Errorf("ossstore: list: %w", err)
	}
	opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(limit), oss.WithContext(ctx)}
	if token != "" {
		opts = append(opts, oss.ContinuationToken(token))
	}
	res, err := s.bucket.ListObjectsV2(opts...)
	if err != nil {
		return records.Page{}, fmt.Errorf("ossstore: list: %w", err)
	}
	recs, err := s.fetchAll(ctx, res.Objects, user)
	if err != nil {
		return records.Page{}, fmt.Errorf("ossstore: list: %w", err)
	}
	p := records.Page{Records: recs}
	if res.IsTruncated && res.NextContinuationToken != "" {
		p.Next = records.EncodeCursor(prefix, res.NextContinuationToken)
	}
	return p, nil
}

// fetchAll GETs the listed records in order, keeping those of user.
func (s *Store) fetchAll(ctx context.Context, objs []oss.ObjectProperties, user string) ([]records.Record, error) {
	recs := make([]records.Record, len(objs))
	errs := make([]error, len(objs))
	sem := make(chan struct{}, listConcurrency)
	var wg sync.WaitGroup
	for i, o := range objs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			recs[i], errs[i] = s.readRecord(ctx, o.Key)
		}()
	}
	wg.Wait()
	out := make([]records.Record, 0, len(objs))
	for i, r := range recs {
		switch {
		case errors.Is(errs[i], records.ErrNotFound):
		case errs[i] != nil:
			return nil, errs[i]
		case r.Uploader == user:
			out = append(out, r)
		}
	}
	return out, nil
}
