package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/wire"
)

// quotaConfig gives testConfig's "multi" profile a quota of 3 files and
// 1,000 bytes a day and a rate of 4 calls a minute.
func quotaConfig(o *Options) {
	p := o.Config.Profiles["multi"]
	p.Quota = quotaConfigQuota
	p.Rate = config.Rate{Signs: 4, Per: config.PerMinute}
	o.Config.Profiles["multi"] = p
}

// quotaConfigQuota is the quota quotaConfig gives "multi".
var quotaConfigQuota = config.Quota{Files: 3, Bytes: 1000, Per: config.PerDay}

// quotaSeen is a GET /quota answer as a client reads it.
type quotaSeen struct {
	Profile  string
	Quota    config.Quota
	Used     struct{ Files, Bytes int64 }
	Left     struct{ Files, Bytes int64 }
	ResetsAt time.Time
	Rate     *config.Rate
}

// signMulti asks for tickets of files of the given sizes under profile
// "multi" with the bearer header authz.
func signMulti(f *fixture, authz string, sizes ...int) *httptest.ResponseRecorder {
	var files []string
	for i, n := range sizes {
		files = append(files, fmt.Sprintf(`{"name":"f%d.png","type":"image/png","size":%d}`, i, n))
	}
	return f.do(request{method: "POST", path: "/sign", authz: authz, body: `{"profile":"multi","files":[` + strings.Join(files, ",") + `]}`})
}

func TestQuotaAtSign(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	if w := signMulti(f, alice, 100, 100); w.Code != 200 {
		t.Fatalf("2 files: got %d %s", w.Code, w.Body)
	}
	// The claims of the first call count for the tickets' 10 minutes and
	// the RecordingWindow after them (an upload may still await its record).
	w := signMulti(f, alice, 100, 100)
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files", RetryAfter: "7800"}, outcomeOf(t, w)); diff != "" {
		t.Fatalf("2 more files (-want +got):\n%s", diff)
	}
	if e := errorOf(t, w).Error; e.RetryAfter != 7800 {
		t.Errorf("retryAfter: got %d, want 7800", e.RetryAfter)
	}
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "bytes", RetryAfter: "7800"}, outcomeOf(t, signMulti(f, alice, 900))); diff != "" {
		t.Errorf("1 file over the bytes left (-want +got):\n%s", diff)
	}
	if w := signMulti(f, alice, 100); w.Code != 200 {
		t.Errorf("the third file: got %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "POST", path: "/sign", authz: alice, body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`}); w.Code != 200 {
		t.Errorf("a profile without quota: got %d", w.Code)
	}
	if !strings.Contains(f.logs.String(), `"code":"QuotaExceeded"`) {
		t.Error("log: want the QuotaExceeded refusals logged")
	}
}

func TestRateAtSign(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		p := o.Config.Profiles["multi"]
		p.Rate = config.Rate{Signs: 2, Per: config.PerMinute}
		o.Config.Profiles["multi"] = p
	})
	carol := token(t, "carol")
	for range 2 {
		if w := signMulti(f, carol, 1); w.Code != 200 {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
	}
	// testNow is 13:14:15: the minute ends in 45 s.
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "rate", RetryAfter: "45"}, outcomeOf(t, signMulti(f, carol, 1))); diff != "" {
		t.Errorf("third call in a minute (-want +got):\n%s", diff)
	}
}

func TestQuotaStoreFailureRefuses(t *testing.T) {
	f := newFixture(t, quotaConfig)
	f.stores.err = errors.New("database away")
	if diff := cmp.Diff(outcome{Status: 503, Code: wire.CodeStoreUnavailable}, outcomeOf(t, signMulti(f, token(t, "alice"), 1))); diff != "" {
		t.Errorf("quota with the store away (-want +got):\n%s", diff)
	}
	if strings.Contains(f.logs.String(), "away") == false {
		t.Error("log: want the cause logged")
	}
}

func TestQuotaEndpoint(t *testing.T) {
	f := newFixture(t, quotaConfig)
	alice := token(t, "alice")
	signMulti(f, alice, 100, 200)
	var a quotaSeen
	w := f.do(request{method: "GET", path: "/quota?profile=multi", authz: alice})
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != 200 {
		t.Fatalf("GET /quota: %d %s", w.Code, w.Body)
	}
	if a.Rate == nil {
		t.Errorf("GET /quota: got no rate, want the profile's")
	}
	a.Rate = nil
	want := quotaSeen{Profile: "multi", Quota: quotaConfigQuota, ResetsAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	want.Used.Files, want.Used.Bytes, want.Left.Files, want.Left.Bytes = 2, 300, 1, 700
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("GET /quota (-want +got):\n%s", diff)
	}
	w = f.do(request{method: "GET", path: "/quota?profile=avatar", authz: alice})
	if w.Code != 200 || strings.Contains(w.Body.String(), "left") {
		t.Errorf("GET /quota of a profile without quota: got %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "GET", path: "/quota?profile=nope", authz: alice}); w.Code != 400 {
		t.Errorf("unknown profile: got %d", w.Code)
	}
}

// mpBucket is the SDK's view of the fixture's local bucket.
func (f *mpFixture) mpBucket(t *testing.T) *oss.Bucket {
	t.Helper()
	b, err := ossclient.FromConfig(config.OSS{Bucket: "mp-bucket", Region: "cn-hangzhou", InternalEndpoint: f.oss.URL}, nil).
		Bucket(invocation.NewContext(context.Background(), invocation.Info{Credentials: testCreds}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMultipartCountsAgainstQuota: a multipart initiation is admitted
// through the profile's quota like a /sign ticket; a refused one is 429
// QuotaExceeded and leaves no multipart upload behind in OSS.
func TestMultipartCountsAgainstQuota(t *testing.T) {
	f := newMPFixture(t)
	for range 2 {
		f.create(t, "quinn", "capped", 3*mpPart)
	}
	w := f.do(request{method: "POST", path: "/uploads/multipart", user: "quinn", json: map[string]any{"profile": "capped",
		"file": map[string]any{"name": "third.mp4", "type": "video/mp4", "size": 3 * mpPart}}})
	got := outcomeOf(t, w)
	if got.RetryAfter == "" {
		t.Errorf("third initiation: no Retry-After")
	}
	got.RetryAfter = ""
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files"}, got); diff != "" {
		t.Fatalf("third initiation at a quota of 2 files (-want +got):\n%s", diff)
	}
	res, err := f.mpBucket(t).ListMultipartUploads(oss.Prefix("uploads/capped/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Uploads); got != 2 {
		t.Errorf("multipart uploads in OSS after the refusal: got %d, want 2 (the refused one aborted)", got)
	}
	// Another user has a quota of their own.
	f.create(t, "rosa", "capped", 3*mpPart)
}

// TestQuotaDoesNotDoubleAtPeriodBoundary: three files (the daily quota)
// signed at 23:59 leave nothing for 00:00 while their claims count (the
// tickets' 10 minutes and the RecordingWindow after them); when they lapse,
// the new day's quota is there.
func TestQuotaDoesNotDoubleAtPeriodBoundary(t *testing.T) {
	midnight := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	c := newClock(midnight.Add(-time.Minute))
	f := newFixture(t, func(o *Options) {
		quotaConfig(o)
		o.Now = c.now
	})
	alice := token(t, "alice")
	if w := signMulti(f, alice, 100, 100, 100); w.Code != 200 {
		t.Fatalf("3 files at 23:59: %d %s", w.Code, w.Body)
	}
	c.set(midnight)
	// The tickets of 23:59 expire at 00:09; their claims count until 02:09.
	want := outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files", RetryAfter: "7740"}
	if diff := cmp.Diff(want, outcomeOf(t, signMulti(f, alice, 100))); diff != "" {
		t.Errorf("a file at 00:00 (-want +got):\n%s", diff)
	}
	c.set(midnight.Add(9*time.Minute + RecordingWindow - time.Second))
	if w := signMulti(f, alice, 100); w.Code != 429 {
		t.Errorf("a file at 02:08:59: %d %s, want 429", w.Code, w.Body)
	}
	c.set(midnight.Add(9*time.Minute + RecordingWindow))
	if w := signMulti(f, alice, 100, 100, 100); w.Code != 200 {
		t.Errorf("3 files at 02:09: %d %s, want 200", w.Code, w.Body)
	}
}

// TestMultipartClaimLivesAsLongAsTheUpload: with a sweep age of 72 h, the
// two uploads of a 2-files-a-day quota started on day 0 can be completed
// until day 3 (and recorded up to RecordingWindow later), so they still
// count on day 2; with 24 h they lapse with the uploads and that window.
func TestMultipartClaimLivesAsLongAsTheUpload(t *testing.T) {
	tests := []struct {
		age, later time.Duration
		want       int
	}{
		{72 * time.Hour, 48 * time.Hour, 429},
		{72 * time.Hour, 72*time.Hour + RecordingWindow - time.Second, 429},
		{72 * time.Hour, 72*time.Hour + RecordingWindow, 200},
		{24 * time.Hour, 24*time.Hour + RecordingWindow, 200},
		{24 * time.Hour, 23 * time.Hour, 429},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v after, sweep age %v", tt.later, tt.age), func(t *testing.T) {
			f := newMPFixture(t)
			start := time.Now().UTC().Truncate(time.Second)
			c := newClock(start)
			f.h.o.Now, f.h.o.Config.SweepAge = c.now, tt.age
			for range 2 {
				f.create(t, "quinn", "capped", 3*mpPart)
			}
			c.set(start.Add(tt.later))
			w := f.do(request{method: "POST", path: "/uploads/multipart", user: "quinn", json: map[string]any{"profile": "capped",
				"file": map[string]any{"name": "later.mp4", "type": "video/mp4", "size": 3 * mpPart}}})
			if w.Code != tt.want {
				t.Errorf("a third upload %v later: %d %s, want %d", tt.later, w.Code, w.Body, tt.want)
			}
		})
	}
}

// TestRefusedMultipartStartCostsNoOSSWrite: a start refused by the quota
// makes no InitiateMultipartUpload (nor an abort after it); a start whose
// initiation fails holds no claim.
func TestRefusedMultipartStartCostsNoOSSWrite(t *testing.T) {
	f := newMPFixture(t)
	start := func(name string) *httptest.ResponseRecorder {
		return f.do(request{method: "POST", path: "/uploads/multipart", user: "quinn", json: map[string]any{"profile": "capped",
			"file": map[string]any{"name": name, "type": "video/mp4", "size": 3 * mpPart}}})
	}
	failed := errors.New("oss away")
	f.failInitiate.Store(&failed)
	if w := start("failing.mp4"); w.Code != 500 {
		t.Fatalf("a start whose initiation fails: %d %s, want 500", w.Code, w.Body)
	}
	f.failInitiate.Store(nil)
	for _, name := range []string{"one.mp4", "two.mp4"} {
		if w := start(name); w.Code != 200 {
			t.Fatalf("start %s after a failed one (its claim released): %d %s", name, w.Code, w.Body)
		}
	}
	before := f.initiated.Load()
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files"}, ignoreRetry(outcomeOf(t, start("third.mp4")))); diff != "" {
		t.Fatalf("third start at a quota of 2 files (-want +got):\n%s", diff)
	}
	if n := f.initiated.Load() - before; n != 0 {
		t.Errorf("the refused start initiated %d upload(s), want none", n)
	}
}

// TestPartsListingCountsAgainstRate: /parts without a part list (a
// ListParts on OSS) counts against the caller's rate like a POST /sign;
// /parts with a list (no OSS call) does not.
func TestPartsListingCountsAgainstRate(t *testing.T) {
	f := newMPFixture(t)
	u := f.create(t, "rita", "rated", 3*mpPart) // the first of 2 calls an hour
	ref := map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 3 * mpPart}
	if w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "rita", json: ref}); w.Code != 200 {
		t.Fatalf("the second call, a listing: %d %s", w.Code, w.Body)
	}
	w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "rita", json: ref})
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "rate"}, ignoreRetry(outcomeOf(t, w))); diff != "" {
		t.Errorf("a third call, a listing (-want +got):\n%s", diff)
	}
	withParts := map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 3 * mpPart, "parts": []int{2}}
	if w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "rita", json: withParts}); w.Code != 200 {
		t.Errorf("part URLs asked by number: %d %s, want 200 (no OSS call, no rate)", w.Code, w.Body)
	}
}

// ignoreRetry drops the Retry-After of o, after checking that there is one.
func ignoreRetry(o outcome) outcome {
	if o.RetryAfter == "" {
		o.Code += " without Retry-After"
	}
	o.RetryAfter = ""
	return o
}
