// Package storetest is the conformance suite every records.Store passes.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// Run runs the suite against stores made by newStore; each subtest gets a
// fresh, empty store. It covers Put's exactly-once, Get and Delete of the
// owner's records only, the verdicts of pending records (Settle, Pending), the listing order, filters and pages, and the
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
		{"Settle", testSettle},
		{"SettleDeleted", testSettleDeleted},
		{"ConcurrentSettlesOfOneRecord", testConcurrentSettles},
		{"Pending", testPending},
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

// Sample returns a record of user uploaded n seconds after a fixed time;
// an odd n's carries a WeChat openid, an even n's none.
func Sample(user string, n int) records.Record {
	key := layout.UploadKey("avatar", user, base, fmt.Sprintf("obj%03d", n), ".png")
	etag := fmt.Sprintf("%032X", n+1)
	var openid string
	if n%2 == 1 {
		openid = "o6_bm" + user
	}
	return records.Record{
		ID: records.ID("bucket", key), Bucket: "bucket", Key: key, ETag: etag,
		Size: int64(100 + n), ContentType: "image/png", DetectedType: "image/png",
		Uploader: user, Profile: "avatar", OriginalName: "me 1.png", OpenID: openid,
		Status: records.StatusOK, Event: "ObjectCreated:PostObject",
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

// ids returns the IDs of rs in order.
func ids(rs []records.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// checkIDs wants user's listing q (every page) to be exactly want.
func checkIDs(t *testing.T, s records.Store, user string, q records.Query, want ...string) {
	t.Helper()
	var got []string
	for range 20 {
		p, err := s.List(ctx(t), user, q)
		if err != nil {
			t.Fatalf("List(%q, %+v): %v", user, q, err)
		}
		got = append(got, ids(p.Records)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if d := cmp.Diff(want, got); d != "" {
		q.Cursor = ""
		t.Errorf("List(%q, %+v) (-want +got):\n%s", user, q, d)
	}
}
