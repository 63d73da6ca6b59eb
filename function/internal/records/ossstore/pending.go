package ossstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/records"
)

// A pending record has a marker besides its record object, so that the
// maintenance function finds the records waiting for a verdict without
// listing every user:
//
//	{Prefix}/_pending/{uploaded ns, 19 digits}.{record id}.{UserSegment(user)}
//
// The marker is written before the record (a record is never pending
// without one) and deleted, best effort, when the record is settled;
// Pending deletes the markers of records that are not pending any more.
// "_pending" is no UserSegment: an encoded byte is "_" and two upper-case
// hex digits.

// PendingPrefix is the key prefix of the pending markers.
func (k Keys) PendingPrefix() string { return k.Prefix + "/_pending/" }

// Pending returns the key of the marker of r.
func (k Keys) Pending(r records.Record) string {
	return k.PendingPrefix() + fmt.Sprintf("%019d.%s.%s", records.ListTime(r), r.ID, UserSegment(r.Uploader))
}

// PendingOf returns the position and the user a marker key names.
func (k Keys) PendingOf(key string) (records.Position, string, bool) {
	rest, ok := strings.CutPrefix(key, k.PendingPrefix())
	parts := strings.Split(rest, ".")
	if !ok || len(parts) != 3 || len(parts[0]) != 19 || parts[1] == "" {
		return records.Position{}, "", false
	}
	at, err := strconv.ParseInt(parts[0], 10, 64)
	user, uok := decodeUserSegment(parts[2])
	if err != nil || at < 0 || !uok {
		return records.Position{}, "", false
	}
	return records.Position{At: at, ID: parts[1]}, user, true
}

// decodeUserSegment is the inverse of UserSegment.
func decodeUserSegment(seg string) (string, bool) {
	if seg == "_" {
		return "", true
	}
	var b []byte
	for i := 0; i < len(seg); i++ {
		if seg[i] != '_' {
			b = append(b, seg[i])
			continue
		}
		if i+2 >= len(seg) {
			return "", false
		}
		n, err := strconv.ParseUint(seg[i+1:i+3], 16, 8)
		if err != nil || strings.ToUpper(seg[i+1:i+3]) != seg[i+1:i+3] {
			return "", false
		}
		b = append(b, byte(n))
		i += 2
	}
	return string(b), UserSegment(string(b)) == seg
}

// Settle implements records.Driver: the record is settled in the next
// generation of its user's index, so of concurrent Settles (or a Settle and
// a Delete) exactly one commits.
func (s *store) Settle(ctx context.Context, user, id string, v records.Verdict) (records.Record, error) {
	var settled records.Record
	err := s.update(ctx, user, func(st *state) (index, bool, error) {
		rs := st.view()
		i := slices.IndexFunc(rs, func(r records.Record) bool { return r.ID == id })
		switch {
		case i < 0:
			return index{}, false, records.ErrNotFound
		case rs[i].Status != records.StatusPending:
			return index{}, false, fmt.Errorf("%s: %w", rs[i].Status, records.ErrNotPending)
		}
		rs[i] = v.Apply(rs[i])
		settled = rs[i]
		return index{Records: rs, Held: st.idx.Held}, true, nil
	})
	if err != nil {
		return records.Record{}, fmt.Errorf("ossstore: settle %s: %w", id, err)
	}
	_ = s.bucket.DeleteObject(s.keys.Pending(settled), oss.WithContext(ctx))
	return settled, nil
}

// Pending implements records.Driver: a listing of the markers (in the
// order Pending lists in) and a load of each of their users.
func (s *store) Pending(ctx context.Context, before time.Time, after *records.Position, n int) ([]records.Record, error) {
	opts := []oss.Option{oss.Prefix(s.keys.PendingPrefix()), oss.MaxKeys(1000), oss.WithContext(ctx)}
	if after != nil {
		opts = append(opts, oss.StartAfter(s.keys.PendingPrefix()+fmt.Sprintf("%019d.%s", after.At, after.ID)))
	}
	var out []records.Record
	states := map[string]*state{}
	for page := 0; page < maxListPages; page++ {
		res, err := s.bucket.ListObjectsV2(opts...)
		if err != nil {
			return nil, fmt.Errorf("ossstore: pending: %w", err)
		}
		for _, o := range res.Objects {
			pos, user, ok := s.keys.PendingOf(o.Key)
			if !ok {
				continue
			}
			if pos.At >= before.UnixNano() || len(out) == n {
				return out, nil
			}
			r, found, err := s.pendingRecord(ctx, states, user, pos.ID)
			if err != nil {
				return nil, fmt.Errorf("ossstore: pending: %w", err)
			}
			switch {
			case found && r.Status == records.StatusPending && records.PendingAfter(after, r):
				out = append(out, r)
			case found && r.Status != records.StatusPending:
				_ = s.bucket.DeleteObject(o.Key, oss.WithContext(ctx)) // settled or deleted: a stale marker
			}
		}
		if !res.IsTruncated || res.NextContinuationToken == "" {
			break
		}
		opts = append(opts[:3], oss.ContinuationToken(res.NextContinuationToken))
	}
	return out, nil
}

// pendingRecord returns user's record id, loading the user's state once
// per Pending call.
func (s *store) pendingRecord(ctx context.Context, states map[string]*state, user, id string) (records.Record, bool, error) {
	st, ok := states[user]
	if !ok {
		var err error
		if st, err = s.load(ctx, user); err != nil && !errors.Is(err, records.ErrNotFound) {
			return records.Record{}, false, err
		}
		states[user] = st
	}
	if st == nil {
		return records.Record{}, false, nil
	}
	r, found := st.find(id)
	return r, found, nil
}
