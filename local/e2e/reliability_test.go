package e2e

// Reliability under faults (issue 9). Quick versions run in make test; with
// OSSGATE_SOAK=1 (make soak) the same tests run at full size (1,000 uploads).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
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
	"github.com/golang-jwt/jwt/v5"

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

// testBucket registers a fake AccessKey with the stack's OSS endpoint and
// returns an SDK bucket client for it, path-style.
func testBucket(t *testing.T, oe *ossemu.Server, url, bucket string) *oss.Bucket {
	t.Helper()
	oe.AddCredential(ossemu.Credential{AccessKeyID: "LTAIreliability", AccessKeySecret: "fake-reliability-secret"})
	cl, err := oss.New(url, "LTAIreliability", "fake-reliability-secret", oss.ForcePathStyle(true), oss.Timeout(5, 10))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cl.Bucket(bucket)
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

// putUploads puts n PNG objects under the upload prefix, as the sign
// function's tickets name and label them, with workers concurrent clients,
// and returns their keys. Every PutObject fires the record trigger.
func putUploads(t *testing.T, b *oss.Bucket, n, workers int) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("uploads/avatar/user-%d/2026/11/25/%06d.png", i%7, i)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := b.PutObject(keys[i], bytes.NewReader(pngFile(i)), oss.ContentType("image/png"),
					oss.Meta("uploader", fmt.Sprintf("user-%d", i%7)), oss.Meta("profile", "avatar"),
					oss.Meta("filename", fmt.Sprintf("photo%%20%d.png", i)))
				if err != nil && failed.Add(1) == 1 {
					t.Errorf("PutObject %s: %v", keys[i], err)
				}
			}
		}()
	}
	for i := range keys {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Fatalf("got %d failed uploads, want 0", f)
	}
	return keys
}

// recordsByKey lists every record object under records/ and returns how
// many records name each uploaded key.
func recordsByKey(t *testing.T, b *oss.Bucket) map[string]int {
	t.Helper()
	got := map[string]int{}
	token := ""
	for {
		res, err := b.ListObjectsV2(oss.Prefix("records/"), oss.MaxKeys(1000), oss.ContinuationToken(token))
		if err != nil {
			t.Fatalf("ListObjectsV2 records/: %v", err)
		}
		for _, o := range res.Objects {
			if strings.HasPrefix(o.Key, "records/_ids/") {
				continue
			}
			got[readRecordKey(t, b, o.Key)]++
		}
		if !res.IsTruncated {
			return got
		}
		token = res.NextContinuationToken
	}
}

func readRecordKey(t *testing.T, b *oss.Bucket, key string) string {
	t.Helper()
	r, err := b.GetObject(key)
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer r.Close()
	var rec struct {
		Key    string `json:"key"`
		Status string `json:"status"`
	}
	if err := json.NewDecoder(r).Decode(&rec); err != nil {
		t.Fatalf("record %s: %v", key, err)
	}
	return rec.Key
}

// checkExactlyOnce wants one record per key and no other record.
func checkExactlyOnce(t *testing.T, b *oss.Bucket, keys []string) {
	t.Helper()
	got := recordsByKey(t, b)
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
	out := &syncBuffer{}
	st := startStack(t, stack.Config{
		JWTSecret: relSecret, SignInstances: 2, RecordInstances: 2,
		Events: fastRetries(true, 32), Output: out,
	})
	b := testBucket(t, st.OSS, st.OSSURL, st.Bucket)
	keys := signedUploads(t, st, n, 8)
	drainWithin(t, st, 90*time.Second)
	if s := st.Record.AsyncStats(); s.Accepted != 2*n || s.Failed != 0 {
		t.Errorf("trigger: got %+v, want %d deliveries accepted (each event twice) and none failed", s, 2*n)
	}
	checkExactlyOnce(t, b, keys)
	noPanics(t, out.String())
}

// recordPIDs returns the running record-function processes of the code
// package (bootstrap execs ossgate with OSSGATE_FUNCTION=record).
func recordPIDs(code string) []int {
	exe := filepath.Join(code, "ossgate")
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/exe"); err != nil || l != exe {
			continue
		}
		env, _ := os.ReadFile("/proc/" + e.Name() + "/environ")
		if bytes.Contains(env, []byte("\x00OSSGATE_FUNCTION=record\x00")) || bytes.HasPrefix(env, []byte("OSSGATE_FUNCTION=record\x00")) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// faultyFront sits between the record function and the OSS endpoint: it
// answers every third HeadObject with a 503 ServiceUnavailable and holds
// every GET for a moment, so that a kill lands mid-invocation.
type faultyFront struct {
	oss       atomic.Pointer[ossemu.Server]
	heads     atomic.Int64
	failed    atomic.Int64
	inflight  atomic.Int64
	getDelay  time.Duration
	failEvery int64
}

func (f *faultyFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodHead:
		if f.heads.Add(1)%f.failEvery == 0 {
			f.failed.Add(1)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
	case http.MethodGet:
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

// TestReliabilityRecordKillAndTransientHeadFailures kills record-function
// instances in the middle of invocations and fails HeadObject transiently:
// every upload is still recorded exactly once.
func TestReliabilityRecordKillAndTransientHeadFailures(t *testing.T) {
	n, kills := scaled(120, 400), scaled(3, 10)
	front := &faultyFront{getDelay: 30 * time.Millisecond, failEvery: 3}
	frontAddr := serveLoopback(t, front)
	out := &syncBuffer{}
	st := startStack(t, stack.Config{
		SignEnv: []string{"OSSGATE_FUNCTION=empty"}, RecordInstances: 2, RecordTimeout: 10 * time.Second,
		RecordEnv: []string{"OSSGATE_INTERNAL_ENDPOINT=http://" + frontAddr},
		Events:    fastRetries(false, 0), Output: out,
	})
	front.oss.Store(st.OSS)
	b := testBucket(t, st.OSS, st.OSSURL, st.Bucket)

	killed := make(chan int, 1)
	go func() { killed <- killDuringInvocations(front, kills, 20*time.Second) }()
	keys := putUploads(t, b, n, 4)
	k := <-killed
	drainWithin(t, st, 90*time.Second)
	if k < kills {
		t.Errorf("got %d record instances killed mid-invocation, want %d", k, kills)
	}
	if r := st.Record.Restarts(); r < k {
		t.Errorf("got %d restarts, want at least the %d kills", r, k)
	}
	if front.failed.Load() == 0 {
		t.Error("got no HeadObject failure injected, want some")
	}
	if s := st.Record.AsyncStats(); s.Failed != 0 || s.Retried == 0 {
		t.Errorf("trigger: got %+v, want retries and no delivery given up", s)
	}
	checkExactlyOnce(t, b, keys)
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
	t    *testing.T
	dir  string
	addr string
	oe   *ossemu.Server
	srv  *http.Server
}

func (r *restartableOSS) start() {
	r.t.Helper()
	oe, err := ossemu.New(ossemu.Config{DataDir: r.dir, Region: "cn-hangzhou", Buckets: []string{"reliability"}})
	if err != nil {
		r.t.Fatal(err)
	}
	var ln net.Listener
	for try := 0; ; try++ {
		if ln, err = net.Listen("tcp", r.addr); err == nil || try == 100 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatalf("listen again on %s: %v", r.addr, err)
	}
	r.addr = ln.Addr().String()
	r.oe, r.srv = oe, &http.Server{Handler: oe, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
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
	r := &restartableOSS{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	r.start()
	t.Cleanup(r.stop)
	// Credentials live in memory; re-add them after every start.
	creds := ossemu.Credential{AccessKeyID: "LTAIreliability", AccessKeySecret: "fake-reliability-secret"}
	r.oe.AddCredential(creds)
	b := testBucket(t, r.oe, "http://"+r.addr, "reliability")

	var mu sync.Mutex // held while the endpoint is being swapped
	stop := make(chan struct{})
	swapped := make(chan int)
	go func() {
		done := 0
		defer func() { swapped <- done }()
		for range restarts {
			select {
			case <-stop:
				return
			case <-time.After(120 * time.Millisecond):
			}
			mu.Lock()
			r.stop()
			r.start()
			r.oe.AddCredential(creds)
			mu.Unlock()
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
func relToken(user string) string {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: user, ExpiresAt: jwt.NewNumericDate(time.Now().Add(10 * time.Minute)),
	}).SignedString([]byte(relSecret))
	if err != nil {
		panic(err) // HMAC signing of fixed claims cannot fail
	}
	return "Bearer " + tok
}

// relTicket is one upload of a POST /sign answer.
type relTicket struct {
	URL    string            `json:"url"`
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields"`
}

// askTicket posts one file's request to /sign and returns the ticket; safe
// to call from many goroutines.
func askTicket(c *http.Client, signURL, authz, name string, size int) (relTicket, error) {
	body := fmt.Sprintf(`{"profile":"avatar","files":[{"name":%q,"type":"image/png","size":%d}]}`, name, size)
	req, err := http.NewRequest(http.MethodPost, signURL+"/sign", strings.NewReader(body))
	if err != nil {
		return relTicket{}, err
	}
	req.Header.Set("Authorization", authz)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return relTicket{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var res struct{ Uploads []relTicket }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &res) != nil || len(res.Uploads) != 1 {
		return relTicket{}, fmt.Errorf("POST /sign: got %d %.300s, want 200 with one ticket", resp.StatusCode, b)
	}
	return res.Uploads[0], nil
}

// postForm uploads data with tk's fields as a multipart POST (file last).
func postForm(c *http.Client, tk relTicket, data []byte) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range tk.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="f.png"`}, "Content-Type": {"image/png"}})
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := c.Post(tk.URL, mw.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("PostObject %s: got %d %.300s, want 2xx", tk.Key, resp.StatusCode, b)
	}
	return nil
}

// signedUploads performs n real uploads as the clients do (ask /sign for a
// ticket, post the form to the OSS endpoint) with workers in parallel, and
// returns the object keys.
func signedUploads(t *testing.T, st *stack.Stack, n, workers int) []string {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	keys := make([]string, n)
	errs := make([]error, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				data := pngFile(i)
				tk, err := askTicket(c, st.SignURL, relToken(fmt.Sprintf("user-%d", i%7)), fmt.Sprintf("photo %d.png", i), len(data))
				if err == nil {
					err = postForm(c, tk, data)
				}
				keys[i], errs[i] = tk.Key, err
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("uploads: %.2000v", err)
	}
	return keys
}

// TestReliabilityConcurrentSign sends 1,000 /sign requests at once to
// several emulated instances: every one answered 200 with its own ticket,
// and no panic in any instance's output.
func TestReliabilityConcurrentSign(t *testing.T) {
	const n = 1000
	out := &syncBuffer{}
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
			tk, err := askTicket(c, st.SignURL, relToken(fmt.Sprintf("user-%d", i%13)), "a.png", 100+i)
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
