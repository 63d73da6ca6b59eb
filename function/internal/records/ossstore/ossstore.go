package record

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// maxRecordSize bounds how much of a record object is read.
const maxRecordSize = 64 << 10

// listConcurrency bounds the parallel GETs of one List call.
const listConcurrency = 8

// maxListLimit is the most keys one ListObjectsV2 call returns.
const maxListLimit = 1000

// OSSStore keeps one JSON object per record in an OSS bucket (see Layout).
// It holds a bucket built for one invocation or request; make a new one per
// invocation so credentials are never reused past it.
type OSSStore struct {
	bucket *oss.Bucket
	layout Layout
}

// NewOSSStore returns a store of records under prefix (e.g. "records") in
// bucket. The bucket should come from ossclient.Bucket for the current
// invocation or request.
func NewOSSStore(bucket *oss.Bucket, prefix string) *OSSStore {
	return &OSSStore{bucket: bucket, layout: Layout{Prefix: strings.TrimSuffix(prefix, "/")}}
}

// Put implements Store. The ID object is the claim: it is written first,
// with x-oss-forbid-overwrite, holding the record object's key; the record
// object is then written, also without overwriting, at the key the claim
// holds — this Put's or an earlier one's. Concurrent Puts of one ID thus
// end in one record object, and a Put cut off between the two writes is
// completed by the next Put of that ID; until then Get and List do not see
// the record. Put assumes an unversioned bucket, where OSS honours
// x-oss-forbid-overwrite.
func (s *OSSStore) Put(ctx context.Context, r Record) error {
	if r.ID == "" {
		return errors.New("record: put: empty id")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record: put %s: %w", r.ID, err)
	}
	idKey, key := s.layout.IDKey(r.ID), s.layout.RecordKey(r)
	created, err := s.putOnce(ctx, idKey, []byte(key), "text/plain")
	if err != nil {
		return fmt.Errorf("record: put %s: %w", r.ID, err)
	}
	if !created {
		if key, err = s.claimedKey(ctx, r.ID); err != nil {
			return fmt.Errorf("record: put %s: %w", r.ID, err)
		}
	}
	if _, err := s.putOnce(ctx, key, body, "application/json"); err != nil {
		return fmt.Errorf("record: put %s: %w", r.ID, err)
	}
	return nil
}

// putOnce writes key unless it exists, and reports whether it wrote it.
func (s *OSSStore) putOnce(ctx context.Context, key string, body []byte, ctype string) (bool, error) {
	err := s.bucket.PutObject(key, bytes.NewReader(body), oss.ContentType(ctype),
		oss.ForbidOverWrite(true), oss.WithContext(ctx))
	var se oss.ServiceError
	if errors.As(err, &se) && se.Code == "FileAlreadyExists" {
		return false, nil
	}
	return err == nil, err
}

// claimedKey returns the record key the ID object of id holds.
func (s *OSSStore) claimedKey(ctx context.Context, id string) (string, error) {
	b, err := s.read(ctx, s.layout.IDKey(id))
	if err != nil {
		return "", err
	}
	key := string(b)
	if !strings.HasPrefix(key, s.layout.Prefix+"/") || !strings.HasSuffix(key, "-"+id+".json") {
		return "", fmt.Errorf("ID object holds %q, not a record key of %s", key, id)
	}
	return key, nil
}

// Get implements Store.
func (s *OSSStore) Get(ctx context.Context, id string) (Record, error) {
	key, err := s.claimedKey(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("record: get %s: %w", id, err)
	}
	r, err := s.readRecord(ctx, key)
	if err != nil {
		return Record{}, fmt.Errorf("record: get %s: %w", id, err)
	}
	return r, nil
}

// read returns the body of key; a missing object wraps ErrNotFound.
func (s *OSSStore) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := s.bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		if IsNotFound(err) {
			return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxRecordSize))
}

func (s *OSSStore) readRecord(ctx context.Context, key string) (Record, error) {
	b, err := s.read(ctx, key)
	if err != nil {
		return Record{}, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return Record{}, fmt.Errorf("%s: %w", key, err)
	}
	return r, nil
}

// cursor is what a Page.Next carries: the listing prefix it belongs to and
// OSS's continuation token.
type cursor struct {
	Prefix string `json:"p"`
	Token  string `json:"t"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the continuation token of s, checking that it was
// issued for prefix.
func decodeCursor(s, prefix string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Prefix != prefix || c.Token == "" {
		return "", ErrBadCursor
	}
	return c.Token, nil
}

// List implements Lister: one ListObjectsV2 page under the user's prefix,
// then the records fetched in parallel (at most 8 at a time). A limit above
// 1000 counts as 1000. Records that vanish meanwhile, or whose uploader is
// not user, are left out.
func (s *OSSStore) List(ctx context.Context, user, cur string, limit int) (Page, error) {
	if limit < 1 {
		return Page{}, fmt.Errorf("record: list: limit %d, want at least 1", limit)
	}
	limit = min(limit, maxListLimit)
	prefix := s.layout.UserPrefix(user)
	token, err := decodeCursor(cur, prefix)
	if err != nil {
		return Page{}, fmt.Errorf("record: list: %w", err)
	}
	opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(limit), oss.WithContext(ctx)}
	if token != "" {
		opts = append(opts, oss.ContinuationToken(token))
	}
	res, err := s.bucket.ListObjectsV2(opts...)
	if err != nil {
		return Page{}, fmt.Errorf("record: list: %w", err)
	}
	recs, err := s.fetchAll(ctx, res.Objects, user)
	if err != nil {
		return Page{}, fmt.Errorf("record: list: %w", err)
	}
	p := Page{Records: recs}
	if res.IsTruncated && res.NextContinuationToken != "" {
		p.Next = encodeCursor(cursor{Prefix: prefix, Token: res.NextContinuationToken})
	}
	return p, nil
}

// fetchAll GETs the listed records in order, keeping those of user.
func (s *OSSStore) fetchAll(ctx context.Context, objs []oss.ObjectProperties, user string) ([]Record, error) {
	recs := make([]Record, len(objs))
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
	out := make([]Record, 0, len(objs))
	for i, r := range recs {
		switch {
		case errors.Is(errs[i], ErrNotFound):
		case errs[i] != nil:
			return nil, errs[i]
		case r.Uploader == user:
			out = append(out, r)
		}
	}
	return out, nil
}

// IsNotFound reports whether err is OSS's answer for a missing object
// (NoSuchKey, or a 404 to a HEAD, which has no body), or wraps ErrNotFound.
func IsNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var se oss.ServiceError
	return errors.As(err, &se) && (se.Code == "NoSuchKey" || se.StatusCode == http.StatusNotFound && se.Code != "NoSuchBucket")
}
