// Package storetest is the conformance suite every records.Store passes.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// Run runs the suite against stores made by newStore; each subtest gets a
// fresh, empty store. It covers Put's exactly-once, Get and Delete of the
// owner's records only, the listing order, filters and pages, and the
// quota: counting, periods, the rate, and concurrent admissions.
func Run(t *testing.T, newStore func(t *testing.T) records.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s records.Store)
	}{
		{"PutGet", testPutGet},
		{"GetMissing", testGetMissing},
		{"PutIsIdempotent", testPutIdempotent},
		{"ConcurrentPutsOfOneID", testConcurrentPuts},
		{"ListNewestFirst", testListNewestFirst},
		{"ListTiesByID", testListTiesByID},
		{"ListPaginates", testListPaginates},
		{"ListOnlyOwnRecords", testListOnlyOwn},
		{"ListEmpty", testListEmpty},
		{"ListRejectsForeignCursor", testForeignCursor},
		{"OddUserNames", testOddUsers},
		{"GetIsTheOwnersOnly", testGetOwnersOnly},
		{"Delete", testDelete},
		{"ConcurrentDeletesOfOneRecord", testConcurrentDeletes},
		{"ListFilters", testListFilters},
		{"ListFilteredPages", testListFilteredPages},
		{"QuotaFiles", testQuotaFiles},
		{"QuotaBytes", testQuotaBytes},
		{"QuotaCountsRecordsOnce", testQuotaCountsRecordsOnce},
		{"QuotaPeriod", testQuotaPeriod},
		{"QuotaClaimCountsInEveryPeriodItIsValidIn", testQuotaClaimSpansPeriods},
		{"ReleaseDropsOneClaim", testRelease},
		{"Rate", testRate},
		{"ConcurrentAdmits", testConcurrentAdmits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore(t)) })
	}
}

var base = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)

// layout names the sample uploads.
var layout = upload.Layout{Prefixes: config.Prefixes{Upload: "uploads", Records: "records", Quarantine: "quarantine"}}

// Sample returns a record of user uploaded n seconds after a fixed time.
func Sample(user string, n int) records.Record {
	key := layout.UploadKey("avatar", user, base, fmt.Sprintf("obj%03d", n), ".png")
	etag := fmt.Sprintf("%032X", n+1)
	return records.Record{
		ID: records.ID("bucket", key), Bucket: "bucket", Key: key, ETag: etag,
		Size: int64(100 + n), ContentType: "image/png", DetectedType: "image/png",
		Uploader: user, Profile: "avatar", OriginalName: "me 1.png", Status: records.StatusOK,
		Event:      "ObjectCreated:PostObject",
		UploadedAt: base.Add(time.Duration(n) * time.Second), RecordedAt: base.Add(time.Hour),
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustPut(t *testing.T, s records.Store, rs ...records.Record) {
	t.Helper()
	for _, r := range rs {
		if err := s.Put(ctx(t), r); err != nil {
			t.Fatalf("Put(%s): %v", r.ID, err)
		}
	}
}

func testPutGet(t *testing.T, s records.Store) {
	want := Sample("alice", 1)
	want.Status, want.Reason, want.QuarantineKey = records.StatusQuarantined, "declared image/png, found text/plain", layout.QuarantineKey(want.Key)
	mustPut(t, s, want)
	got, err := s.Get(ctx(t), want.Uploader, want.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", d)
	}
}

func testGetMissing(t *testing.T, s records.Store) {
	_, err := s.Get(ctx(t), "alice", "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Get(missing): got %v, want an error wrapping ErrNotFound", err)
	}
}

func testPutIdempotent(t *testing.T, s records.Store) {
	first := Sample("alice", 1)
	second := first
	second.RecordedAt = first.RecordedAt.Add(time.Minute)
	second.Status = records.StatusQuarantined
	mustPut(t, s, first, second, first)
	got, err := s.Get(ctx(t), "alice", first.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := cmp.Diff(first, got); d != "" {
		t.Errorf("after three Puts of one ID, want the first (-want +got):\n%s", d)
	}
	p, err := s.List(ctx(t), "alice", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(p.Records) != 1 {
		t.Errorf("List: got %d records, want 1", len(p.Records))
	}
}

// ids returns the IDs of rs in order.
func ids(rs []records.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testListNewestFirst(t *testing.T, s records.Store) {
	var want []string
	for _, n := range []int{3, 1, 4, 2} {
		mustPut(t, s, Sample("bob", n))
	}
	for _, n := range []int{4, 3, 2, 1} {
		want = append(want, Sample("bob", n).ID)
	}
	p, err := s.List(ctx(t), "bob", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if d := cmp.Diff(want, ids(p.Records)); d != "" {
		t.Errorf("List order (-want +got):\n%s", d)
	}
	if p.Next != "" {
		t.Errorf("List: got Next %q on the last page, want empty", p.Next)
	}
}

// testListTiesByID lists records uploaded at the same instant by ID, as
// records.Before orders them.
func testListTiesByID(t *testing.T, s records.Store) {
	var rs []records.Record
	for n := range 4 {
		r := Sample("hana", n)
		r.UploadedAt = base
		rs = append(rs, r)
		mustPut(t, s, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	p, err := s.List(ctx(t), "hana", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if d := cmp.Diff(ids(rs), ids(p.Records)); d != "" {
		t.Errorf("List order of one instant (-want +got):\n%s", d)
	}
}

// testConcurrentPuts races Puts of one ID that differ in every field but
// the ID, as concurrent deliveries of one event (or of two uploads of the
// same bytes to the same key) do: one record must come out, the same in Get
// and List.
func testConcurrentPuts(t *testing.T, s records.Store) {
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		r := Sample("gina", 1)
		r.UploadedAt = r.UploadedAt.Add(time.Duration(i) * time.Second)
		r.RecordedAt = r.RecordedAt.Add(time.Duration(i) * time.Minute)
		go func() { errs <- s.Put(ctx(t), r) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Put: %v", err)
		}
	}
	got, err := s.Get(ctx(t), "gina", Sample("gina", 1).ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	p, err := s.List(ctx(t), "gina", records.Query{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(p.Records) != 1 {
		t.Fatalf("List: got %d records, want 1", len(p.Records))
	}
	if d := cmp.Diff(got, p.Records[0]); d != "" {
		t.Errorf("Get and List disagree (-get +list):\n%s", d)
	}
}
