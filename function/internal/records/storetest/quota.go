package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ossgate/ossgate/function/internal/records"
)

// claims numbers the claims of the suite, so that every one has its own key.
var claims atomic.Int64

// day is the quota period of the quota tests: the UTC day of base.
var day = records.Limits{PeriodStart: base.Truncate(24 * time.Hour), PeriodEnd: base.Truncate(24 * time.Hour).Add(24 * time.Hour)}

// admitReq asks for n tickets of size bytes each for user on avatar at at.
func admitReq(user string, n int, size int64, at time.Time, l records.Limits) records.AdmitRequest {
	req := records.AdmitRequest{User: user, Profile: "avatar", At: at, Limits: l}
	for i := range n {
		req.Claims = append(req.Claims, records.Claim{
			Key:  layout.UploadKey("avatar", user, at, fmt.Sprintf("claim-%d-%d", claims.Add(1), i), ".png"),
			Size: size, Expires: at.Add(10 * time.Minute),
		})
	}
	return req
}

func admit(t *testing.T, s records.Store, req records.AdmitRequest) records.Decision {
	t.Helper()
	d, err := s.Admit(ctx(t), req)
	if err != nil {
		t.Fatalf("Admit: %v", err)
	}
	return d
}

func usage(t *testing.T, s records.Store, req records.AdmitRequest) records.Usage {
	t.Helper()
	u, err := s.Usage(ctx(t), req)
	if err != nil {
		t.Fatalf("Usage: %v", err)
	}
	return u
}

func wantDecision(t *testing.T, what string, d records.Decision, admitted bool, exceeded string) {
	t.Helper()
	type verdict struct {
		Admitted bool
		Exceeded string
	}
	if diff := cmp.Diff(verdict{admitted, exceeded}, verdict{d.Admitted, d.Exceeded}); diff != "" {
		t.Errorf("%s (usage %+v) (-want +got):\n%s", what, d.Usage, diff)
	}
}

func testQuotaFiles(t *testing.T, s records.Store) {
	l := day
	l.Files = 3
	at := base
	wantDecision(t, "2 of 3", admit(t, s, admitReq("nina", 2, 10, at, l)), true, "")
	wantDecision(t, "2 more", admit(t, s, admitReq("nina", 2, 10, at, l)), false, records.ExceededFiles)
	wantDecision(t, "another user", admit(t, s, admitReq("nina2", 3, 10, at, l)), true, "")
	other := admitReq("nina", 1, 10, at, l)
	other.Profile = "document"
	wantDecision(t, "another profile", admit(t, s, other), true, "")
	d := admit(t, s, admitReq("nina", 1, 10, at, l))
	wantDecision(t, "the third", d, true, "")
	d = admit(t, s, admitReq("nina", 1, 10, at.Add(time.Minute), l))
	wantDecision(t, "the fourth", d, false, records.ExceededFiles)
	if want := at.Add(10 * time.Minute); !d.RetryAt.Equal(want) {
		t.Errorf("RetryAt: got %v, want %v (when the first claim expires)", d.RetryAt, want)
	}
	// The claims expire unused: room again.
	wantDecision(t, "after the tickets expired", admit(t, s, admitReq("nina", 3, 10, at.Add(11*time.Minute), l)), true, "")
}

func testQuotaBytes(t *testing.T, s records.Store) {
	l := day
	l.Bytes = 1000
	wantDecision(t, "600", admit(t, s, admitReq("olga", 2, 300, base, l)), true, "")
	d := admit(t, s, admitReq("olga", 1, 401, base, l))
	wantDecision(t, "1001", d, false, records.ExceededBytes)
	wantDecision(t, "1000", admit(t, s, admitReq("olga", 1, 400, base, l)), true, "")
	d = admit(t, s, admitReq("olga", 1, 2000, base, l))
	wantDecision(t, "more than the quota", d, false, records.ExceededBytes)
	if !d.RetryAt.Equal(l.PeriodEnd) {
		t.Errorf("RetryAt of a request over the whole quota: got %v, want the period's end %v", d.RetryAt, l.PeriodEnd)
	}
}

// testQuotaCountsRecordsOnce: a claim whose upload is recorded counts once,
// after it expires too; a deleted record stops counting.
func testQuotaCountsRecordsOnce(t *testing.T, s records.Store) {
	l := day
	l.Files, l.Bytes = 3, 1000
	req := admitReq("pia", 2, 100, base, l)
	wantDecision(t, "2", admit(t, s, req), true, "")
	rec := Sample("pia", 5)
	rec.Key, rec.Size, rec.ID = req.Claims[0].Key, 100, records.ID("bucket", req.Claims[0].Key)
	mustPut(t, s, rec)
	u := usage(t, s, admitReq("pia", 0, 0, base.Add(time.Minute), l))
	if d := cmp.Diff(records.Usage{Files: 2, Bytes: 200}, u, cmpopts.IgnoreFields(records.Usage{}, "Signs", "FreedAt")); d != "" {
		t.Errorf("Usage with one claim recorded (-want +got):\n%s", d)
	}
	u = usage(t, s, admitReq("pia", 0, 0, base.Add(time.Hour), l))
	if d := cmp.Diff(records.Usage{Files: 1, Bytes: 100}, u, cmpopts.IgnoreFields(records.Usage{}, "Signs")); d != "" {
		t.Errorf("Usage once the claims expired, want the record only (-want +got):\n%s", d)
	}
	if _, err := s.Delete(ctx(t), "pia", rec.ID, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	u = usage(t, s, admitReq("pia", 0, 0, base.Add(time.Hour), l))
	if d := cmp.Diff(records.Usage{}, u, cmpopts.IgnoreFields(records.Usage{}, "Signs", "FreedAt")); d != "" {
		t.Errorf("Usage after the record was deleted, want nothing (-want +got):\n%s", d)
	}
}

// testQuotaPeriod: records and claims of an earlier period do not count.
func testQuotaPeriod(t *testing.T, s records.Store) {
	l := day
	l.Files = 1
	old := Sample("quinn", 1)
	old.UploadedAt = day.PeriodStart.Add(-time.Second)
	mustPut(t, s, old)
	wantDecision(t, "a record of yesterday", admit(t, s, admitReq("quinn", 1, 1, base, l)), true, "")
	mustPut(t, s, Sample("quinn", 2)) // today's
	next := l
	next.PeriodStart, next.PeriodEnd = l.PeriodEnd, l.PeriodEnd.Add(24*time.Hour)
	d := admit(t, s, admitReq("quinn", 1, 1, l.PeriodEnd.Add(-time.Minute), l))
	wantDecision(t, "the same day", d, false, records.ExceededFiles)
	wantDecision(t, "the next day", admit(t, s, admitReq("quinn", 1, 1, l.PeriodEnd, next)), true, "")
}

// testQuotaClaimSpansPeriods: a claim issued a minute before the period
// ends and valid for ten counts in the next period too, until it expires;
// the next period's quota does not come on top of it.
func testQuotaClaimSpansPeriods(t *testing.T, s records.Store) {
	l := day
	l.Files = 1
	next := l
	next.PeriodStart, next.PeriodEnd = l.PeriodEnd, l.PeriodEnd.Add(24*time.Hour)
	wantDecision(t, "the last minute of the day", admit(t, s, admitReq("rosa", 1, 1, l.PeriodEnd.Add(-time.Minute), l)), true, "")
	d := admit(t, s, admitReq("rosa", 1, 1, l.PeriodEnd, next))
	wantDecision(t, "midnight, the first ticket still valid", d, false, records.ExceededFiles)
	if want := l.PeriodEnd.Add(9 * time.Minute); !d.RetryAt.Equal(want) {
		t.Errorf("RetryAt: got %v, want the first ticket's expiry %v", d.RetryAt, want)
	}
	u, err := s.Usage(ctx(t), admitReq("rosa", 0, 0, l.PeriodEnd.Add(time.Minute), next))
	if err != nil || u.Files != 1 || u.Bytes != 1 {
		t.Errorf("Usage in the next period: got %+v, %v; want the valid claim", u, err)
	}
	wantDecision(t, "once it expired", admit(t, s, admitReq("rosa", 1, 1, l.PeriodEnd.Add(9*time.Minute), next)), true, "")
}

// testRelease: a released claim counts no more; the others stay, and
// releasing what is not held is no error.
func testRelease(t *testing.T, s records.Store) {
	l := day
	l.Files = 2
	first, second := admitReq("sami", 1, 10, base, l), admitReq("sami", 1, 20, base, l)
	admit(t, s, first)
	admit(t, s, second)
	wantDecision(t, "a third at 2 files", admit(t, s, admitReq("sami", 1, 1, base, l)), false, records.ExceededFiles)
	if err := s.Release(ctx(t), "sami", "avatar", first.Claims[0].Key); err != nil {
		t.Fatalf("Release: %v", err)
	}
	for _, user := range []string{"sami", "nobody"} {
		if err := s.Release(ctx(t), user, "avatar", first.Claims[0].Key); err != nil {
			t.Errorf("Release of %s's claim that is not held: %v", user, err)
		}
	}
	u, err := s.Usage(ctx(t), admitReq("sami", 0, 0, base, l))
	if err != nil || u.Files != 1 || u.Bytes != 20 {
		t.Errorf("Usage after Release: got %+v, %v; want the second claim only (1 file, 20 bytes)", u, err)
	}
	wantDecision(t, "a third after the release", admit(t, s, admitReq("sami", 1, 1, base, l)), true, "")
}

func testRate(t *testing.T, s records.Store) {
	l := records.Limits{Signs: 2, RateStart: base, RateEnd: base.Add(time.Minute)}
	wantDecision(t, "1", admit(t, s, admitReq("ravi", 1, 1, base, l)), true, "")
	wantDecision(t, "2", admit(t, s, admitReq("ravi", 1, 1, base.Add(time.Second), l)), true, "")
	d := admit(t, s, admitReq("ravi", 1, 1, base.Add(2*time.Second), l))
	wantDecision(t, "3", d, false, records.ExceededRate)
	if !d.RetryAt.Equal(l.RateEnd) {
		t.Errorf("RetryAt: got %v, want the window's end %v", d.RetryAt, l.RateEnd)
	}
	next := records.Limits{Signs: 2, RateStart: l.RateEnd, RateEnd: l.RateEnd.Add(time.Minute)}
	wantDecision(t, "next window", admit(t, s, admitReq("ravi", 1, 1, l.RateEnd, next)), true, "")
}

// testConcurrentAdmits races 50 admissions of one file each at a quota of
// 10 files: between 1 and 10 are admitted, and Usage counts exactly those.
func testConcurrentAdmits(t *testing.T, s records.Store) {
	const n, quota = 50, 10
	l := day
	l.Files = quota
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req := admitReq("sara", 1, 1, base, l)
			req.Claims[0].Key += fmt.Sprint(i)
			d, err := s.Admit(ctx(t), req)
			if err != nil {
				t.Errorf("Admit: %v", err)
				return
			}
			if d.Admitted {
				mu.Lock()
				admitted++
				mu.Unlock()
			} else if d.Exceeded != records.ExceededFiles && d.Exceeded != records.ExceededBusy {
				t.Errorf("refused with %q, want files or busy", d.Exceeded)
			}
		}()
	}
	close(start)
	wg.Wait()
	if admitted < 1 || admitted > quota {
		t.Errorf("%d concurrent admissions at a quota of %d: %d admitted, want 1 to %d", n, quota, admitted, quota)
	}
	if u := usage(t, s, admitReq("sara", 0, 0, base, l)); u.Files != admitted {
		t.Errorf("Usage: got %+v; want %d files (the admitted ones)", u, admitted)
	}
	t.Logf("%d of %d concurrent admissions admitted at a quota of %d", admitted, n, quota)
}
