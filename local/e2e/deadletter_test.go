package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/testdb"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// deployedAsync is the record function's asyncInvokeConfig in s.yaml: the
// tests below run what is deployed.
func deployedAsync(t *testing.T) *fcemu.FC3Async {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, ok, err := fcemu.ReadFC3Async(b, "record")
	if err != nil || !ok || a.DestinationConfig.OnFailure == nil {
		t.Fatalf("s.yaml: record asyncInvokeConfig %+v, %v, %v; want one with onFailure", a, ok, err)
	}
	return &a
}

// recordsOutage sits between the functions and the OSS endpoint and, while
// down, answers 503 to every request for a record object or an index
// generation: an outage of the OSS store's records (not of the dead
// letters beside them).
type recordsOutage struct {
	oss    atomic.Pointer[ossemu.Server]
	bucket string
	down   atomic.Bool
}

func (o *recordsOutage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/"+o.bucket+"/")
	listing := r.URL.Query().Get("prefix")
	hit := strings.HasPrefix(p, "records/") && !strings.HasPrefix(p, "records/_deadletter/") ||
		strings.HasPrefix(listing, "records/") && !strings.HasPrefix(listing, "records/_deadletter/")
	if o.down.Load() && hit {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>records outage</Message></Error>`))
		return
	}
	o.oss.Load().ServeHTTP(w, r)
}

// TestReliabilityEventsGivenUpAreRecorded takes the records store away (the database
// killed; for the OSS store, its record objects answering 503), makes real
// uploads, among them an HTML file declared as a PNG, waits until FC (the
// emulator, with s.yaml's retries) has given up every event to the onFailure
// destination, brings the store back, and wants every upload recorded
// exactly once within a minute by the maintenance function (every 5 s here,
// -sweep-every), the HTML file not ok, and no dead letter left. 21 uploads
// per store here, 201 in make soak.
func TestReliabilityEventsGivenUpAreRecorded(t *testing.T) {
	n := scaled(20, 200)
	for _, store := range []string{"oss", string(testdb.MariaDB), string(testdb.Postgres)} {
		t.Run(store, func(t *testing.T) {
			out := &testutil.SyncBuffer{}
			cfg := stack.Config{JWTSecret: relSecret, RecordInstances: 2, RecordTimeout: 10 * time.Second,
				RecordAsync: deployedAsync(t), SweepEvery: 5 * time.Second, Output: out}
			var srv *testdb.Server
			outage := &recordsOutage{bucket: "ossgate-local"}
			if store == "oss" {
				front := "OSSGATE_INTERNAL_ENDPOINT=http://" + serveLoopback(t, outage)
				cfg.RecordEnv, cfg.SweepEnv = []string{front}, []string{front}
			} else {
				srv, cfg.Env = dbEnv(t, testdb.Kind(store))
			}
			st := startStack(t, cfg)
			outage.oss.Store(st.OSS)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("function output:\n%s", out)
				}
			})

			if srv != nil {
				srv.Kill()
			} else {
				outage.down.Store(true)
			}
			keys := signedUploads(t, st, n, 8)
			html := htmlAsPNG(t, st)
			keys = append(keys, html)
			waitGivenUp(t, st, len(keys), 2*time.Minute)
			if srv != nil {
				if err := srv.Restart(context.Background()); err != nil {
					t.Fatal(err)
				}
			} else {
				outage.down.Store(false)
			}
			back := time.Now()
			waitAllRecorded(t, st, keys, time.Minute)
			t.Logf("%d uploads given up during the outage, all recorded %s after the store came back; trigger %+v",
				len(keys), time.Since(back).Round(100*time.Millisecond), st.Record.AsyncStats())
			checkExactlyOnce(t, st, keys)
			if s := statusOf(t, st, relUser(0), html); s == "ok" || s == "" {
				t.Errorf("the HTML file declared as a PNG: status %q, want it recorded and not ok", s)
			}
			waitNoLetters(t, st, 20*time.Second)
			noPanics(t, out.String())
		})
	}
}

// htmlAsPNG uploads an HTML page through a ticket for a PNG.
func htmlAsPNG(t *testing.T, st *stack.Stack) string {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	data := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	tk, err := testutil.AskTicket(c, st.SignURL, relToken(relUser(0)), "avatar", "page.png", "image/png", len(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.PostForm(c, tk, "image/png", data); err != nil {
		t.Fatal(err)
	}
	return tk.Key
}

// waitGivenUp waits until the trigger has given up n events (each to the
// onFailure destination) and the sweep function has taken them.
func waitGivenUp(t *testing.T, st *stack.Stack, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := st.Record.AsyncStats()
		if s.Failed >= n && s.Pending == 0 {
			if s.Destined < n {
				t.Fatalf("trigger %+v: %d events given up, %d handed to onFailure; want all", s, s.Failed, s.Destined)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("trigger %+v: want %d events given up within %s", s, n, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitAllRecorded waits until GET /uploads lists every key.
func waitAllRecorded(t *testing.T, st *stack.Stack, keys []string, d time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	deadline := time.Now().Add(d)
	for {
		got := map[string]bool{}
		for u := range relUsers {
			recs, err := testutil.ListUploads(c, st.SignURL, relToken(relUser(u)), 100)
			if err != nil {
				continue // the store may still be warming up
			}
			for _, r := range recs {
				got[r.Key] = true
			}
		}
		missing := 0
		for _, k := range keys {
			if !got[k] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d uploads still without a record %s after the store came back", missing, len(keys), d)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// statusOf returns the status of user's record of key, "" without one.
func statusOf(t *testing.T, st *stack.Stack, user, key string) string {
	t.Helper()
	recs, err := testutil.ListUploads(&http.Client{Timeout: 20 * time.Second}, st.SignURL, relToken(user), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Key == key {
			return r.Status
		}
	}
	return ""
}

// waitNoLetters waits until no dead letter is left in the bucket.
func waitNoLetters(t *testing.T, st *stack.Stack, d time.Duration) {
	t.Helper()
	b := testBucket(t, st.OSS, st.OSSURL, st.Bucket)
	deadline := time.Now().Add(d)
	for {
		res, err := b.ListObjectsV2(oss.Prefix("records/_deadletter/"))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Objects) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d dead letters left, e.g. %s", len(res.Objects), res.Objects[0].Key)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
