package e2e

// Reliability under faults. Quick versions run in make test; with
// OSSGATE_SOAK=1 (make soak) the same tests run at full size (1,000 uploads).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// soak reports whether the long runs were asked for (make soak).
func soak() bool { return os.Getenv("OSSGATE_SOAK") == "1" }

// scaled returns full under make soak and quick otherwise.
func scaled(quick, full int) int {
	if soak() {
		return full
	}
	return quick
}

// fastRetries is a trigger queue that retries quickly, so that fault tests
// finish in seconds; dup and window turn on the duplicate/reorder modes.
func fastRetries(dup bool, window int) fcemu.AsyncConfig {
	return fcemu.AsyncConfig{QueueSize: 4096, MaxRetries: 10, RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Duplicate: dup, ReorderWindow: window, Seed: 9}
}

// testBucket registers a fake AccessKey with an OSS endpoint and returns an
// SDK bucket client for it, path-style.
func testBucket(t *testing.T, oe *ossemu.Server, url, bucket string) *oss.Bucket {
	t.Helper()
	oe.AddCredential(ossemu.Credential{AccessKeyID: "LTAIreliability", AccessKeySecret: "fake-reliability-secret"})
	b, err := testutil.OSSBucket(url, bucket, "LTAIreliability", "fake-reliability-secret")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngFile returns a small, real PNG-signed file unique to i.
func pngFile(i int) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	return append(b, fmt.Sprintf("ossgate-reliability-%06d", i)...)
}

// relUser is the user of upload i.
func relUser(i int) string { return fmt.Sprintf("user-%d", i%7) }

// relUsers is every user relUser names.
const relUsers = 7

// putUploads puts n PNG objects with the SDK, with workers concurrent
// clients, at the keys and with the labels of tickets the sign function
// hands out, and returns their keys. Every PutObject fires the record
// trigger.
func putUploads(t *testing.T, st *stack.Stack, n, workers int) []string {
	t.Helper()
	b := testBucket(t, st.OSS, st.OSSURL, st.Bucket)
	c := &http.Client{Timeout: 20 * time.Second}
	keys := make([]string, n)
	err := testutil.Parallel(n, workers, func(i int) error {
		tk, err := testutil.AskTicket(c, st.SignURL, relToken(relUser(i)), "avatar", fmt.Sprintf("photo %d.png", i), "image/png", len(pngFile(i)))
		if err != nil {
			return err
		}
		keys[i] = tk.Key
		return testutil.PutAsTicket(b, tk, pngFile(i))
	})
	if err != nil {
		t.Fatalf("uploads: %.2000v", err)
	}
	return keys
}

// checkExactlyOnce wants, in what GET /uploads shows every user, one record
// per key and no other record.
func checkExactlyOnce(t *testing.T, st *stack.Stack, keys []string) {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	got := map[string]int{}
	for u := range relUsers {
		recs, err := testutil.ListUploads(c, st.SignURL, relToken(relUser(u)), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			got[r.Key]++
		}
	}
	missing, dup := 0, 0
	for _, k := range keys {
		switch got[k] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
		delete(got, k)
	}
	if missing > 0 || dup > 0 || len(got) > 0 {
		t.Errorf("records: got %d uploads without a record, %d with several, %d records of unknown keys; want exactly one record for each of %d uploads",
			missing, dup, len(got), len(keys))
	}
}

// noPanics fails when a function wrote a panic to its output.
func noPanics(t *testing.T, out string) {
	t.Helper()
	if i := strings.Index(out, "panic"); i >= 0 {
		t.Errorf("function output holds %q, want no panic", out[max(0, i-200):min(len(out), i+300)])
	}
}

// drainWithin waits for the record trigger queue with a bound of d.
func drainWithin(t *testing.T, st *stack.Stack, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := st.Record.Drain(ctx); err != nil {
		t.Fatalf("record queue not drained in %s: %v (stats %+v)", d, err, st.Record.AsyncStats())
	}
}

// TestReliabilityDuplicatedReorderedEvents performs many real uploads
// (ticket from /sign, form posted to the OSS endpoint) while the trigger
// delivers every event twice and shuffled: exactly one record each.
func TestReliabilityDuplicatedReorderedEvents(t *testing.T) {
	n := 1000
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{
		JWTSecret: relSecret, SignInstances: 2, RecordInstances: 2,
		Events: fastRetries(true, 32), Output: out,
	})
	keys := signedUploads(t, st, n, 8)
	drainWithin(t, st, 90*time.Second)
	if s := st.Record.AsyncStats(); s.Accepted != 2*n || s.Failed != 0 {
		t.Errorf("trigger: got %+v, want %d deliveries accepted (each event twice) and none failed", s, 2*n)
	}
	checkExactlyOnce(t, st, keys)
	noPanics(t, out.String())
}

// recordPIDs returns the running record-function processes of the code
// package (bootstrap execs ossgate with OSSGATE_FUNCTION=record).
func recordPIDs(code string) []int {
	return testutil.PIDsWithEnv(filepath.Join(code, "ossgate"), "OSSGATE_FUNCTION=record")
}

// faultyFront sits between the record function and the OSS endpoint: it
// answers every failEvery-th read of an upload with a 503
// ServiceUnavailable and holds every GET for a moment, so that a kill lands
// mid-invocation.
type faultyFront struct {
	oss       atomic.Pointer[ossemu.Server]
	reads     atomic.Int64
	failed    atomic.Int64
	inflight  atomic.Int64
	getDelay  time.Duration
	failEvery int64
}

func (f *faultyFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isUploadRead(r) && f.reads.Add(1)%f.failEvery == 0 {
		f.failed.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.Method == http.MethodGet {
		f.inflight.Add(1)
		defer f.inflight.Add(-1)
		time.Sleep(f.getDelay)
	}
	f.oss.Load().ServeHTTP(w, r)
}

// serveLoopback serves h on a random 127.0.0.1 port until the test ends and
// returns its host:port.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestReliabilityRecordKillAndTransientReadFailures kills record-function
// instances in the middle of invocations and fails reads of uploads
// transiently: every upload is still recorded exactly once.
func TestReliabilityRecordKillAndTransientReadFailures(t *testing.T) {
	n, kills := scaled(120, 400), scaled(3, 10)
	front := &faultyFront{getDelay: 30 * time.Millisecond, failEvery: 3}
	frontAddr := serveLoopback(t, front)
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{
		JWTSecret: relSecret, RecordInstances: 2, RecordTimeout: 10 * time.Second,
		RecordEnv: []string{"OSSGATE_INTERNAL_ENDPOINT=http://" + frontAddr},
		Events:    fastRetries(false, 0), Output: out,
	})
	front.oss.Store(st.OSS)

	killed := make(chan int, 1)
	go func() { killed <- killDuringInvocations(front, kills, 20*time.Second) }()
	keys := putUploads(t, st, n, 4)
	k := <-killed
	drainWithin(t, st, 90*time.Second)
	if k < kills {
		t.Errorf("got %d record instances killed mid-invocation, want %d", k, kills)
	}
	if r := st.Record.Restarts(); r < k {
		t.Errorf("got %d restarts, want at least the %d kills", r, k)
	}
	if front.failed.Load() == 0 {
		t.Error("got no read failure injected, want some")
	}
	if s := st.Record.AsyncStats(); s.Failed != 0 || s.Retried == 0 {
		t.Errorf("trigger: got %+v, want retries and no delivery given up", s)
	}
	checkExactlyOnce(t, st, keys)
}

// killDuringInvocations SIGKILLs a record-function process while one of its
// OSS calls is in flight, want times (at least 150 ms apart), within d; it
// returns how many it killed.
func killDuringInvocations(front *faultyFront, want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	done := 0
	for done < want && time.Now().Before(deadline) {
		if front.inflight.Load() == 0 {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		pids := recordPIDs(codeDir)
		if len(pids) == 0 {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if syscall.Kill(pids[done%len(pids)], syscall.SIGKILL) == nil {
			done++
		}
		time.Sleep(150 * time.Millisecond)
	}
	return done
}

// objectBody is the deterministic content of restart-test object i.
func objectBody(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("%06d-", i)), 256<<10/7)
}

// truncatingReader yields the first half of b, then fails: the client
// aborts the request mid-body.
type truncatingReader struct {
	b   []byte
	off int
}

func (r *truncatingReader) Read(p []byte) (int, error) {
	if r.off >= len(r.b)/2 {
		return 0, errors.New("e2e: client gave up mid-body")
	}
	n := copy(p, r.b[r.off:len(r.b)/2])
	r.off += n
	return n, nil
}

// restartableOSS serves an ossemu over one data directory at a fixed
// address, and can be stopped hard (connections cut) and started again.
type restartableOSS struct {
	dir  string
	addr string
	oe   *ossemu.Server
	srv  *http.Server
}

// start starts the endpoint on the data directory and the address of the
// previous start (a random port the first time).
func (r *restartableOSS) start() error {
	oe, err := ossemu.New(ossemu.Config{DataDir: r.dir, Region: "cn-hangzhou", Buckets: []string{"reliability"}})
	if err != nil {
		return err
	}
	var ln net.Listener
	for try := 0; ; try++ {
		if ln, err = net.Listen("tcp", r.addr); err == nil || try == 100 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		_ = oe.Close()
		return fmt.Errorf("listen again on %s: %w", r.addr, err)
	}
	r.addr = ln.Addr().String()
	r.oe, r.srv = oe, &http.Server{Handler: oe, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return nil
}

func (r *restartableOSS) stop() {
	_ = r.srv.Close()
	_ = r.oe.Close()
}

// TestReliabilityOSSRestartNoPartialObject cuts the local OSS endpoint off
// (every connection closed mid-request) and starts it again on the same data
// directory, several times while uploads run, some of which are abandoned
// mid-body on purpose: every object visible afterwards is complete.
func TestReliabilityOSSRestartNoPartialObject(t *testing.T) {
	n, restarts := scaled(120, 600), scaled(3, 10)
	r := &restartableOSS{dir: t.TempDir(), addr: "127.0.0.1:0"}
	if err := r.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.stop() })
	// Credentials live in memory; re-add them after every start.
	creds := ossemu.Credential{AccessKeyID: "LTAIreliability", AccessKeySecret: "fake-reliability-secret"}
	r.oe.AddCredential(creds)
	b := testBucket(t, r.oe, "http://"+r.addr, "reliability")

	var mu sync.Mutex // held while the endpoint is being swapped
	stop := make(chan struct{})
	swapped := make(chan int)
	// restart stops the endpoint and starts it again; on error the old one
	// stays stopped and the uploads fail from then on.
	restart := func() error {
		mu.Lock()
		defer mu.Unlock()
		r.stop()
		if err := r.start(); err != nil {
			return err
		}
		r.oe.AddCredential(creds)
		return nil
	}
	go func() {
		done := 0
		defer func() { swapped <- done }()
		for range restarts {
			select {
			case <-stop:
				return
			case <-time.After(120 * time.Millisecond):
			}
			if err := restart(); err != nil {
				t.Errorf("restart %d: %v", done+1, err)
				return
			}
			done++
		}
	}()
	var ok, failed atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var body io.Reader = bytes.NewReader(objectBody(i))
				if i%5 == 0 {
					body = &truncatingReader{b: objectBody(i)}
				}
				if err := b.PutObject(fmt.Sprintf("obj/%06d", i), body); err != nil {
					failed.Add(1)
				} else if i%5 != 0 {
					ok.Add(1)
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(stop)
	got := <-swapped
	mu.Lock()
	defer mu.Unlock()
	if got == 0 || ok.Load() == 0 {
		t.Fatalf("got %d restarts and %d complete uploads, want both > 0", got, ok.Load())
	}
	checkComplete(t, b, n)
	t.Logf("%d restarts, %d uploads completed, %d failed (cut off or abandoned)", got, ok.Load(), failed.Load())
}

// checkComplete lists obj/ and wants every visible object byte-identical to
// what its client sent in full, and no abandoned upload visible.
func checkComplete(t *testing.T, b *oss.Bucket, n int) {
	t.Helper()
	res, err := b.ListObjectsV2(oss.Prefix("obj/"), oss.MaxKeys(1000))
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	if res.IsTruncated || len(res.Objects) > n {
		t.Fatalf("got %d objects (truncated %v), want at most %d", len(res.Objects), res.IsTruncated, n)
	}
	for _, o := range res.Objects {
		i, err := strconv.Atoi(strings.TrimPrefix(o.Key, "obj/"))
		if err != nil || i%5 == 0 {
			t.Errorf("visible object %s: an abandoned upload or unknown key, want none", o.Key)
			continue
		}
		r, err := b.GetObject(o.Key)
		if err != nil {
			t.Errorf("GetObject %s: %v", o.Key, err)
			continue
		}
		body, err := io.ReadAll(r)
		r.Close()
		if want := objectBody(i); err != nil || !bytes.Equal(body, want) || o.Size != int64(len(want)) {
			t.Errorf("object %s: got %d bytes (listed %d, err %v), want the %d bytes sent", o.Key, len(body), o.Size, err, len(want))
		}
	}
}

// relSecret is the fake HS256 secret of the reliability stacks.
const relSecret = "fake-reliability-hs256-secret-0123456789abcdef"

// relToken returns an Authorization header value for user.
func relToken(user string) string { return testutil.Token(relSecret, user, 10*time.Minute) }

// signedUploads performs n real uploads as the clients do (ask /sign for a
// ticket, post the form to the OSS endpoint) with workers in parallel, and
// returns the object keys.
func signedUploads(t *testing.T, st *stack.Stack, n, workers int) []string {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	keys := make([]string, n)
	err := testutil.Parallel(n, workers, func(i int) error {
		data := pngFile(i)
		tk, err := testutil.AskTicket(c, st.SignURL, relToken(relUser(i)), "avatar", fmt.Sprintf("photo %d.png", i), "image/png", len(data))
		if err != nil {
			return err
		}
		keys[i] = tk.Key
		return testutil.PostForm(c, tk, "image/png", data)
	})
	if err != nil {
		t.Fatalf("uploads: %.2000v", err)
	}
	return keys
}

// TestReliabilityConcurrentSign sends 1,000 /sign requests at once to
// several emulated instances: every one answered 200 with its own ticket,
// and no panic in any instance's output.
func TestReliabilityConcurrentSign(t *testing.T) {
	const n = 1000
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{SignInstances: 4, JWTSecret: relSecret,
		RecordEnv: []string{"OSSGATE_FUNCTION=empty"}, Output: out})
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	start := make(chan struct{})
	keys := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tk, err := testutil.AskTicket(c, st.SignURL, relToken(fmt.Sprintf("user-%d", i%13)), "avatar", "a.png", "image/png", 100+i)
			keys[i], errs[i] = tk.Key, err
		}()
	}
	close(start)
	wg.Wait()
	failed, seen := 0, map[string]bool{}
	for i, err := range errs {
		if err != nil {
			if failed++; failed <= 3 {
				t.Errorf("request %d: %v", i, err)
			}
			continue
		}
		if seen[keys[i]] {
			t.Errorf("key %s handed out twice, want unique keys", keys[i])
		}
		seen[keys[i]] = true
	}
	if failed > 0 {
		t.Errorf("got %d failed requests of %d, want 0", failed, n)
	}
	noPanics(t, out.String())
}
