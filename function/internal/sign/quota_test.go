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
	// The tickets of the first call expire after the profile's 10 minutes.
	w := signMulti(f, alice, 100, 100)
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "files", RetryAfter: "600"}, outcomeOf(t, w)); diff != "" {
		t.Fatalf("2 more files (-want +got):\n%s", diff)
	}
	if e := errorOf(t, w).Error; e.RetryAfter != 600 {
		t.Errorf("retryAfter: got %d, want 600", e.RetryAfter)
	}
	if diff := cmp.Diff(outcome{Status: 429, Code: wire.CodeQuotaExceeded, Exceeded: "bytes", RetryAfter: "600"}, outcomeOf(t, signMulti(f, alice, 900))); diff != "" {
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
