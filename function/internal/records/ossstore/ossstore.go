// Package ossstore is the records.Store of a deployment without a database:
// everything lives in the bucket, under the records prefix, per user
// (Keys names them):
//
//	{records}/{user}/r/{id}.json     a record, as the record function wrote it
//	{records}/{user}/g/{revGen}.json a generation of the user's index
//	{records}/_pending/{ns}.{id}.{user} a marker of a pending record (pending.go)
//
// Put is one conditional PUT (x-oss-forbid-overwrite) of the record at a
// key derived from its ID: it is both the claim and the record, so a
// record is written once however often its event comes.
//
// A generation holds every record of the user folded into it, with the
// deletions, and the quota state (claims, rate stamps). Generations are
// immutable and created with x-oss-forbid-overwrite as generation n+1 of
// the generation n they were derived from: the create is the
// compare-and-swap OSS lacks, so of two writers of n+1 exactly one wins and
// every state change (a fold, a delete, an admission) is linearisable.
// Their keys sort newest first, before the records, so one ListObjectsV2
// of the user's prefix names the newest generation and the records not
// folded yet: a page of GET /uploads is that listing and one GET of the
// generation, 2 requests whatever its size, plus one GET per record
// written since the last fold. Whoever reads records the store has not
// folded yet folds them: it writes the next generation and deletes the
// folded record objects and the generations before the previous one.
//
// A Store holds a bucket built for one invocation or request; make one per
// invocation so credentials are never reused past it.
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
)

// Limits of what the store reads and lists.
const (
	maxRecordSize   = 64 << 10  // a record object
	maxIndexSize    = 256 << 20 // a generation
	readConcurrency = 8         // parallel GETs of unfolded records
	maxListPages    = 100       // ListObjectsV2 pages of one user's prefix (100,000 objects)
	loadAttempts    = 4         // loads retried after an object vanished mid-read
)

// store is the records.Driver of records in an OSS bucket.
type store struct {
	bucket *oss.Bucket
	keys   Keys
}

// New returns the store of records in bucket, under prefix (the records
// prefix, without a trailing "/"). The bucket should come from an
// ossclient.Opener for the current invocation or request.
func New(bucket *oss.Bucket, prefix string) records.Store {
	return records.NewStore(&store{bucket: bucket, keys: Keys{Prefix: prefix}})
}

// Put implements records.Driver with one conditional PUT (after the
// marker of a pending record, see Keys.Pending). It assumes an unversioned
// bucket, where OSS honours x-oss-forbid-overwrite.
func (s *store) Put(ctx context.Context, r records.Record) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
	}
	if r.Status == records.StatusPending {
		err := s.bucket.PutObject(s.keys.Pending(r), bytes.NewReader([]byte(r.ID)), oss.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("ossstore: put %s: pending marker: %w", r.ID, err)
		}
	}
	if _, err := s.create(ctx, s.keys.Record(r.Uploader, r.ID), body); err != nil {
		return fmt.Errorf("ossstore: put %s: %w", r.ID, err)
	}
	return nil
}

// create writes key unless it exists, and reports whether it wrote it.
func (s *store) create(ctx context.Context, key string, body []byte) (bool, error) {
	err := s.bucket.PutObject(key, bytes.NewReader(body), oss.ContentType("application/json"),
		oss.ForbidOverWrite(true), oss.WithContext(ctx))
	var se oss.ServiceError
	if errors.As(err, &se) && se.Code == "FileAlreadyExists" {
		return false, nil
	}
	return err == nil, err
}

// read returns the body of key (at most limit bytes); a missing object
// wraps records.ErrNotFound.
func (s *store) read(ctx context.Context, key string, limit int64) ([]byte, error) {
	rc, err := s.bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		if ossclient.IsNotFound(err) {
			return nil, fmt.Errorf("%w: %w", records.ErrNotFound, err)
		}
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s: larger than %d bytes", key, limit)
	}
	return b, err
}

// readRecords GETs the record objects at keys, in parallel.
func (s *store) readRecords(ctx context.Context, keys []string) ([]records.Record, error) {
	recs := make([]records.Record, len(keys))
	errs := make([]error, len(keys))
	sem := make(chan struct{}, readConcurrency)
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			b, err := s.read(ctx, key, maxRecordSize)
			if err == nil {
				err = json.Unmarshal(b, &recs[i])
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	return recs, errors.Join(errs...)
}

// Get implements records.Driver.
func (s *store) Get(ctx context.Context, user, id string) (records.Record, error) {
	st, err := s.load(ctx, user)
	if err != nil {
		return records.Record{}, fmt.Errorf("ossstore: get %s: %w", id, err)
	}
	if r, ok := st.find(id); ok {
		return r, nil
	}
	return records.Record{}, fmt.Errorf("ossstore: get %s: %w", id, records.ErrNotFound)
}

// Select implements records.Driver: the user's listing and newest
// generation, the records written since it, then the selection in memory.
// Records not folded yet are folded before it returns (best effort: the
// selection does not depend on it).
func (s *store) Select(ctx context.Context, user string, q records.Query, after *records.Position, n int) ([]records.Record, error) {
	st, err := s.load(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("ossstore: list: %w", err)
	}
	rs := records.Select(st.view(), q, after, n)
	if len(st.fresh) > 0 {
		_, _ = s.commit(ctx, st, st.idx)
	}
	return rs, nil
}
