package e2e

// The uploads the app owns, on the whole stack: the SQL stores against
// real servers killed and restarted mid-run, and quotas enforced across
// sign instances with every store.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/testdb"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/stack"
)

// dbs holds the package's database servers, one of each kind, started on
// first use (TestMain closes them).
var dbs testdb.Pool

// dbEnv returns the package's server of kind k and the functions'
// environment that keeps records in a new database of its own there.
func dbEnv(t *testing.T, k testdb.Kind) (*testdb.Server, []string) {
	t.Helper()
	s := dbs.Get(t, k)
	dsn, err := s.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, []string{"OSSGATE_RECORDS_DSN=" + dsn}
}

// slowRetries is a trigger queue that keeps retrying for about half a
// minute, long enough for a database to come back from a kill.
func slowRetries() fcemu.AsyncConfig {
	return fcemu.AsyncConfig{QueueSize: 8192, MaxRetries: 40, RetryBase: 50 * time.Millisecond, RetryMax: time.Second, Seed: 11}
}

// TestReliabilityDatabaseKillRestart performs real uploads while the
// records database is killed (SIGKILL, as a crash) and restarted several
// times, for MariaDB and PostgreSQL: the record function's database errors
// are transient, FC retries the events, and every upload ends with exactly
// one record. 200 uploads per database here, 1,000 in make soak.
func TestReliabilityDatabaseKillRestart(t *testing.T) {
	n, kills := scaled(200, 1000), scaled(3, 9)
	for _, k := range testdb.Kinds {
		t.Run(string(k), func(t *testing.T) {
			srv, env := dbEnv(t, k)
			out := &testutil.SyncBuffer{}
			st := startStack(t, stack.Config{JWTSecret: relSecret, RecordInstances: 2, RecordTimeout: 10 * time.Second,
				Env: env, Events: slowRetries(), Output: out})
			keys := uploadsWithKills(t, st, srv, n, kills)
			drainWithin(t, st, 3*time.Minute)
			if s := st.Record.AsyncStats(); s.Failed != 0 || s.Retried == 0 {
				t.Errorf("trigger: got %+v, want retries and no delivery given up", s)
			}
			checkExactlyOnce(t, st, keys)
			noPanics(t, out.String())
			if strings.Contains(out.String(), srv.Password) {
				t.Error("the functions' output shows the database password")
			}
			t.Logf("%d uploads, database killed and restarted %d times, trigger %+v", n, kills, st.Record.AsyncStats())
		})
	}
}

// uploadsWithKills performs n real uploads in kills+1 batches; before
// each batch but the first it kills the database, and restarts it 300 ms
// later while the batch runs, so that every kill lands among uploads whose
// events the record function is recording.
func uploadsWithKills(t *testing.T, st *stack.Stack, srv *testdb.Server, n, kills int) []string {
	t.Helper()
	var keys []string
	restarted := make(chan error, 1)
	restarted <- nil
	for b := range kills + 1 {
		if b > 0 {
			if err := <-restarted; err != nil {
				t.Fatalf("restart: %v", err)
			}
			srv.Kill()
			go func() {
				time.Sleep(300 * time.Millisecond)
				restarted <- srv.Restart(context.Background())
			}()
		}
		keys = append(keys, signedUploads(t, st, n/(kills+1), 8)...)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart: %v", err)
	}
	return keys
}

// quotaProfiles is a profile set whose "limited" profile allows 10 files
// a day per user.
const quotaProfiles = `{"avatar":{"types":["image/png"],"maxSize":100000},` +
	`"limited":{"types":["image/png"],"maxSize":100000,"quota":{"files":10,"per":"day"}}}`

// TestQuotaConcurrentSign sends 50 concurrent POST /sign of one user, one
// file each, at a quota of 10 files, to two sign instances, with each
// store: between 1 and 10 are admitted, the others answered 429
// QuotaExceeded with Retry-After; GET /quota then counts what was admitted.
func TestQuotaConcurrentSign(t *testing.T) {
	for _, store := range []string{"oss", string(testdb.MariaDB), string(testdb.Postgres)} {
		t.Run(store, func(t *testing.T) {
			env := []string{"OSSGATE_PROFILES=" + quotaProfiles}
			if store != "oss" {
				_, dbenv := dbEnv(t, testdb.Kind(store))
				env = append(env, dbenv...)
			}
			st := startStack(t, stack.Config{JWTSecret: relSecret, SignInstances: 2, Env: env,
				RecordEnv: []string{"OSSGATE_FUNCTION=empty"}})
			admitted, refused := concurrentSigns(t, st.SignURL, relToken("quota-user"), 50)
			if admitted < 1 || admitted > 10 || admitted+refused != 50 {
				t.Errorf("50 concurrent /sign at a quota of 10: %d admitted, %d refused; want 1 to 10 admitted, the rest refused", admitted, refused)
			}
			var q struct {
				Used struct{ Files int }
				Left struct{ Files int }
			}
			if err := testutil.Call(&http.Client{Timeout: 10 * time.Second}, st.SignURL, relToken("quota-user"), http.MethodGet, "/quota?profile=limited", nil, &q); err != nil {
				t.Fatal(err)
			}
			if q.Used.Files != admitted || q.Left.Files != 10-admitted {
				t.Errorf("GET /quota: got used %d, left %d; want %d admitted, %d left", q.Used.Files, q.Left.Files, admitted, 10-admitted)
			}
			t.Logf("%s: %d of 50 admitted", store, admitted)
		})
	}
}

// concurrentSigns sends n POST /sign of the limited profile at once and
// counts the 200s and the 429 QuotaExceeded answers with a Retry-After;
// anything else fails the test.
func concurrentSigns(t *testing.T, signURL, authz string, n int) (admitted, refused int) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"profile":"limited","files":[{"name":"a%d.png","type":"image/png","size":100}]}`, i)
			req, _ := http.NewRequest(http.MethodPost, signURL+"/sign", strings.NewReader(body))
			req.Header.Set("Authorization", authz)
			req.Header.Set("Content-Type", "application/json")
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("POST /sign: %v", err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case resp.StatusCode == http.StatusOK:
				admitted++
			case resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "":
				refused++
			default:
				t.Errorf("POST /sign: got %d (Retry-After %q), want 200 or 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}()
	}
	close(start)
	wg.Wait()
	return admitted, refused
}
