package ossstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/records"
)

// index is the content of one generation: every folded record of the user
// (deletions applied) and the quota state.
type index struct {
	Gen     int64            `json:"gen"`
	Records []records.Record `json:"records"`
	records.Held
}

// state is what load read of one user: the newest generation, the records
// written since it (fresh), and the objects a fold makes obsolete.
type state struct {
	user   string
	listed time.Time // when the load began (local clock)
	idx    index
	fresh  []records.Record
	// obsolete are the keys a commit of the next generation may delete:
	// the record objects read (folded from then on) and the generations
	// that were superseded long enough ago (see retired).
	obsolete []string
}

// staleAfter bounds how long after its load began a state may still be
// committed: a later commit is abandoned (and loaded again). A generation
// is deleted only once its successor is more than twice that old, so a
// commit never recreates a generation that was deleted: a writer whose
// base is generation n commits n+1 within staleAfter of listing n as the
// newest, which was before n+1 existed, and n+1 outlives that. Deleting
// earlier would let a slow writer "win" a generation number a faster one
// had used and deleted (the ABA problem of create-if-absent plus delete).
const staleAfter = 15 * time.Second

// retired returns the generations of gens (listed newest first, with
// their Last-Modified times) whose successor is older than 2×staleAfter
// (plus a second for OSS's one-second Last-Modified) by the newest's
// Last-Modified: those no writer can still commit after.
func retired(gens []oss.ObjectProperties) []string {
	var out []string
	for i := 1; i < len(gens); i++ {
		if gens[0].LastModified.Sub(gens[i-1].LastModified) > 2*staleAfter+time.Second {
			out = append(out, gens[i].Key)
		}
	}
	return out
}

// view returns the user's records: the generation's, then the fresh ones
// it does not hold (the first write of an ID wins), in a new slice.
func (st *state) view() []records.Record {
	out := make([]records.Record, 0, len(st.idx.Records)+len(st.fresh))
	return st.withFresh(append(out, st.idx.Records...))
}

// withFresh appends to rs the fresh records of the user whose IDs rs does
// not hold, and returns the result.
func (st *state) withFresh(rs []records.Record) []records.Record {
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		seen[r.ID] = true
	}
	for _, r := range st.fresh {
		if !seen[r.ID] && r.Uploader == st.user {
			seen[r.ID] = true
			rs = append(rs, r)
		}
	}
	return rs
}

// find returns the user's record id.
func (st *state) find(id string) (records.Record, bool) {
	for _, r := range st.view() {
		if r.ID == id {
			return r, true
		}
	}
	return records.Record{}, false
}

// load reads user's state: one ListObjectsV2 page of the user's prefix
// (more only past 1,000 objects), a GET of the newest generation, and a
// GET of each record not folded into it. An object that vanishes while it
// is read (a concurrent fold deleted it) makes it start again.
func (s *store) load(ctx context.Context, user string) (*state, error) {
	var err error
	for range loadAttempts {
		var st *state
		if st, err = s.loadOnce(ctx, user); err == nil {
			return st, nil
		}
		if !errors.Is(err, records.ErrNotFound) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("the user's objects kept changing while read: %w", err)
}

func (s *store) loadOnce(ctx context.Context, user string) (*state, error) {
	st := &state{user: user, listed: time.Now()}
	var gens []oss.ObjectProperties
	var recs []string
	prefix := s.keys.User(user)
	opts := []oss.Option{oss.Prefix(prefix), oss.MaxKeys(1000), oss.WithContext(ctx)}
	for page := 0; ; page++ {
		res, err := s.bucket.ListObjectsV2(opts...)
		if err != nil {
			return nil, err
		}
		for _, o := range res.Objects {
			if _, ok := s.keys.GenerationOf(user, o.Key); ok {
				gens = append(gens, o)
			} else if _, ok := s.keys.RecordOf(user, o.Key); ok {
				recs = append(recs, o.Key)
			}
		}
		if !res.IsTruncated || res.NextContinuationToken == "" || page == maxListPages-1 {
			break
		}
		opts = append(opts[:3], oss.ContinuationToken(res.NextContinuationToken))
	}
	if len(gens) > 0 { // listed newest first
		b, err := s.read(ctx, gens[0].Key, maxIndexSize)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &st.idx); err != nil {
			return nil, fmt.Errorf("%s: %w", gens[0].Key, err)
		}
		st.obsolete = append(st.obsolete, retired(gens)...)
	}
	folded := make(map[string]bool, len(st.idx.Records))
	for _, r := range st.idx.Records {
		folded[r.ID] = true
	}
	var unread []string
	for _, key := range recs {
		id, _ := s.keys.RecordOf(user, key)
		if !folded[id] {
			unread = append(unread, key)
		}
		st.obsolete = append(st.obsolete, key)
	}
	fresh, err := s.readRecords(ctx, unread)
	if err != nil {
		return nil, err
	}
	st.fresh = fresh
	return st, nil
}

// commit writes next (its records and quota state; the fresh records are
// folded in here) as the generation after st's, unless another writer
// made that generation first (false, nil). After a commit it deletes the
// objects the new generation makes obsolete, best effort.
func (s *store) commit(ctx context.Context, st *state, next index) (bool, error) {
	next.Gen = st.idx.Gen + 1
	next.Records = st.withFresh(next.Records)
	body, err := json.Marshal(next)
	if err != nil {
		return false, err
	}
	cctx, cancel := context.WithDeadline(ctx, st.listed.Add(staleAfter))
	defer cancel()
	ok, err := s.create(cctx, s.keys.Index(st.user, next.Gen), body)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return false, nil // too late to commit this base: load again
	}
	if !ok || err != nil {
		return false, err
	}
	for keys := range slices.Chunk(st.obsolete, 1000) { // DeleteMultipleObjects takes 1,000 at most
		_, _ = s.bucket.DeleteObjects(keys, oss.DeleteObjectsQuiet(true), oss.WithContext(ctx))
	}
	return true, nil
}
