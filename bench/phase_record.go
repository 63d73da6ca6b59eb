package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/stack"
)

// RecordInstances is the number of record-function instances measured.
const RecordInstances = 2

// Record measures the record function through the emulator against the
// local OSS endpoint: r.Events small PNG objects are put (8 clients), each
// firing the OSS trigger; events/s is the count over the time from the first
// put to the drained queue, and the per-event cost is the record processes'
// CPU time and the instance time divided by the count.
func (r *Runner) Record(ctx context.Context) error {
	code, err := r.codeDir(ctx)
	if err != nil {
		return err
	}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "data"),
		Anonymous: true, RecordInstances: RecordInstances,
		Events: fcemu.AsyncConfig{QueueSize: r.Events + 16, RetryBase: 50 * time.Millisecond}})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer st.Close()
	key := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	put, err := signedPuts(st, b, r.Events, 8)
	if err != nil {
		return err
	}
	exe := filepath.Join(code, "ossgate")
	cpu0 := cpuTicks(testutil.PIDsWithEnv(exe, "OSSGATE_FUNCTION=record"))
	t0 := time.Now()
	if err := put(); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := st.Record.Drain(dctx); err != nil {
		return fmt.Errorf("bench: drain: %w", err)
	}
	el := time.Since(t0)
	cpu := cpuTicks(testutil.PIDsWithEnv(exe, "OSSGATE_FUNCTION=record")) - cpu0
	if s := st.Record.AsyncStats(); s.Delivered != r.Events || s.Failed != 0 {
		return fmt.Errorf("bench: record trigger: got %+v, want %d delivered", s, r.Events)
	}
	n := float64(r.Events)
	cmd := fmt.Sprintf("ossgate-bench record phase: %d PutObject (8 clients) → OSS trigger → fcemu async → record function (%d instances) → drained", r.Events, RecordInstances)
	r.Results.Add(Figure{ID: "record_events_per_sec", What: fmt.Sprintf("record function: events/s (%d instances, local OSS)", RecordInstances),
		Value: n / el.Seconds(), Unit: "events/s", Command: cmd})
	r.Results.Add(Figure{ID: "record_cpu_per_event", What: "record function: CPU time per event (user+sys of its processes)",
		Value: float64(cpu) * 10 / n, Unit: "ms", Command: cmd + "; utime+stime from /proc/<pid>/stat"})
	r.Results.Add(Figure{ID: "record_instance_time_per_event", What: "record function: instance time per event (instances × wall time / events)",
		Value: float64(RecordInstances) * el.Seconds() * 1000 / n, Unit: "ms", Command: cmd})
	return nil
}

// signedPuts asks the sign function (anonymous signing) for n tickets of
// small PNG files, with workers clients, and returns a function that puts
// every file with the SDK at its ticket's key with its ticket's labels: the
// keys and metadata the record function reads, each PutObject firing the OSS
// trigger. Tickets are asked for before the measurement starts.
func signedPuts(st *stack.Stack, b *oss.Bucket, n, workers int) (func() error, error) {
	c := &http.Client{Timeout: 20 * time.Second}
	body := func(i int) []byte { return testutil.PNGFile("bench", i) }
	tickets := make([]testutil.Ticket, n)
	err := testutil.Parallel(n, workers, func(i int) (err error) {
		tickets[i], err = testutil.AskTicket(c, st.SignURL, "", "avatar", "bench.png", "image/png", len(body(i)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bench: sign: %w", err)
	}
	return func() error {
		if err := testutil.Parallel(n, workers, func(i int) error { return testutil.PutAsTicket(b, tickets[i], body(i)) }); err != nil {
			return fmt.Errorf("bench: put: %w", err)
		}
		return nil
	}, nil
}

// cpuTicks sums utime+stime (clock ticks, 100 per second) of pids.
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 (state) on
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			sum += u + k
		}
	}
	return sum
}
