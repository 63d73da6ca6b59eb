package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
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
	code := filepath.Join(r.Work, "code")
	if _, err := os.Stat(filepath.Join(code, "ossgate")); err != nil {
		if err := BuildCode(ctx, r.Root, code); err != nil {
			return err
		}
	}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "data"),
		SignEnv: []string{"OSSGATE_FUNCTION=empty"}, RecordInstances: RecordInstances,
		Events: fcemu.AsyncConfig{QueueSize: r.Events + 16, RetryBase: 50 * time.Millisecond}})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer st.Close()
	st.OSS.AddCredential(ossemu.Credential{AccessKeyID: "LTAIbench", AccessKeySecret: "fake-bench-secret"})
	cl, err := oss.New(st.OSSURL, "LTAIbench", "fake-bench-secret", oss.ForcePathStyle(true))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	b, err := cl.Bucket(st.Bucket)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	exe := filepath.Join(code, "ossgate")
	cpu0 := cpuTicks(PIDsWithEnv(exe, "OSSGATE_FUNCTION=record"))
	t0 := time.Now()
	if err := putObjects(b, r.Events, 8); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := st.Record.Drain(dctx); err != nil {
		return fmt.Errorf("bench: drain: %w", err)
	}
	el := time.Since(t0)
	cpu := cpuTicks(PIDsWithEnv(exe, "OSSGATE_FUNCTION=record")) - cpu0
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

// putObjects puts n small PNG objects under uploads/ with the signed
// metadata the record function reads, with workers clients.
func putObjects(b *oss.Bucket, n, workers int) error {
	jobs := make(chan int)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				body := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), fmt.Sprintf("bench-%06d", i)...)
				errs[i] = b.PutObject(fmt.Sprintf("uploads/avatar/user-%d/2026/11/25/%06d.png", i%7, i), bytes.NewReader(body),
					oss.ContentType("image/png"), oss.Meta("uploader", fmt.Sprintf("user-%d", i%7)),
					oss.Meta("profile", "avatar"), oss.Meta("filename", "bench.png"))
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bench: put: %w", err)
	}
	return nil
}

// PIDsWithEnv returns the processes running exe whose environment holds kv.
func PIDsWithEnv(exe, kv string) []int {
	var out []int
	for _, pid := range ExePIDs(exe) {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if err == nil && bytes.Contains(append([]byte{0}, env...), []byte("\x00"+kv+"\x00")) {
			out = append(out, pid)
		}
	}
	return out
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
