package e2e

// Soak tests: minutes, not seconds; only under OSSGATE_SOAK=1 (make soak),
// which also runs the reliability tests at full size.

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/ossgate/ossgate/bench"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

func requireSoak(t *testing.T) {
	t.Helper()
	if !soak() {
		t.Skip("a soak test: OSSGATE_SOAK=1 (make soak) runs it")
	}
}

// TestSoakAllFaultsAtOnce performs 1,000 real uploads through /sign tickets
// and POST forms while the trigger duplicates and reorders every event,
// reads of uploads fail transiently and record instances are killed mid-invocation:
// exactly one record per upload.
func TestSoakAllFaultsAtOnce(t *testing.T) {
	requireSoak(t)
	const n, kills = 1000, 10
	front := &faultyFront{getDelay: 20 * time.Millisecond, failEvery: 4}
	frontAddr := serveLoopback(t, front)
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{
		JWTSecret: relSecret, SignInstances: 2, RecordInstances: 2, RecordTimeout: 10 * time.Second,
		RecordEnv: []string{"OSSGATE_INTERNAL_ENDPOINT=http://" + frontAddr},
		Events:    fastRetries(true, 32), Output: out,
	})
	front.oss.Store(st.OSS)
	killed := make(chan int, 1)
	go func() { killed <- killDuringInvocations(front, kills, 60*time.Second) }()
	keys := signedUploads(t, st, n, 8)
	k := <-killed
	drainWithin(t, st, 5*time.Minute)
	if k < kills {
		t.Errorf("got %d kills mid-invocation, want %d", k, kills)
	}
	if s := st.Record.AsyncStats(); s.Failed != 0 {
		t.Errorf("trigger: got %+v, want no delivery given up", s)
	}
	checkExactlyOnce(t, st, keys)
}

// TestSoakSignMemoryStable loads /sign with vegeta for a warm-up and then
// four times as long: no request fails, the instances' resident memory does
// not keep growing (≤ 25% over the warm-up level) and peaks at ≤ 30 MiB.
func TestSoakSignMemoryStable(t *testing.T) {
	requireSoak(t)
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{JWTSecret: relSecret, SignInstances: 2,
		RecordEnv: []string{"OSSGATE_FUNCTION=empty"}, Output: out})
	f, err := bench.NewFixture(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.JWTSecret, f.Authorization = relSecret, relToken("soak-user")
	tgt := f.SignTarget(st.SignURL)
	attack := func(d time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
		defer cancel()
		res, err := bench.Attack(ctx, "soak", bench.Load{Workers: 8, Duration: d}, []vegeta.Target{tgt}...)
		if err != nil || res.Errors > 0 || res.Requests == 0 {
			t.Fatalf("attack: %v; got %d errors of %d requests (%s), want none", err, res.Errors, res.Requests, res.FirstError)
		}
	}
	rss := func() (cur, peak int64) {
		for _, pid := range testutil.PIDsWithEnv(filepath.Join(codeDir, "ossgate"), "OSSGATE_FUNCTION=sign") {
			c, _ := bench.ProcStatusKB(pid, "VmRSS")
			p, _ := bench.ProcStatusKB(pid, "VmHWM")
			cur, peak = max(cur, c), max(peak, p)
		}
		return cur, peak
	}
	attack(15 * time.Second)
	warm, _ := rss()
	attack(60 * time.Second)
	after, peak := rss()
	if warm == 0 || after > warm*5/4 {
		t.Errorf("sign instance RSS: got %d kB after the run, %d kB after warm-up, want ≤ 25%% growth", after, warm)
	}
	if peak > 30<<10 {
		t.Errorf("sign instance peak RSS: got %d kB, want ≤ 30 MiB", peak)
	}
	noPanics(t, out.String())
	t.Logf("RSS: %d kB after warm-up, %d kB after, peak %d kB", warm, after, peak)
}
