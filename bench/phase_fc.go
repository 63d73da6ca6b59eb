package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// FCInstances is the number of emulated instances in the load phase: one
// per core, each taking one invocation at a time as in FC.
const FCInstances = 2

// SignEnv is the sign function's environment for the fixture.
func (f Fixture) SignEnv() []string {
	return []string{"OSSGATE_BUCKET=" + f.Bucket, "OSSGATE_REGION=" + f.Region, "OSSGATE_JWT_SECRET=" + f.JWTSecret}
}

// FC measures the real binary under the FC runtime emulator: binary size,
// /sign against the empty function under the same load, the sign
// function's peak RSS, and cold start.
func (r *Runner) FC(ctx context.Context) error {
	code := filepath.Join(r.Work, "code")
	if err := BuildCode(ctx, r.Root, code); err != nil {
		return err
	}
	st, err := os.Stat(filepath.Join(code, "ossgate"))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	mb := float64(st.Size()) / (1 << 20)
	r.Results.Add(Targeted(Figure{ID: "binary_size", What: "binary size, stripped (`build/code/ossgate`)", Value: mb, Unit: "MiB",
		Command: "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags \"-s -w\" ./function"}, "≤ 15 MiB", mb <= 15))

	empty, err := r.fcLoad(ctx, code, "empty", nil)
	if err != nil {
		return err
	}
	sign, err := r.fcLoad(ctx, code, "sign", r.Fixture.SignEnv())
	if err != nil {
		r.Skip("/sign through the FC emulator", err)
	} else {
		ratio := sign.Throughput / empty.Throughput
		r.Results.Add(Targeted(Figure{ID: "fc_sign_vs_empty", What: "FC emulator: `/sign` throughput / empty function throughput",
			Value: ratio, Unit: "×", Command: r.loadCmd(fmt.Sprintf("through fcemu, %d instances each", FCInstances))}, "≥ 0.8×", ratio >= 0.8))
	}
	return r.coldStarts(ctx, code)
}

// fcLoad attacks one function under the emulator and records its figures;
// for "sign" it also records the peak RSS of its instances.
func (r *Runner) fcLoad(ctx context.Context, code, name string, env []string) (LoadResult, error) {
	fn, err := StartFunction(code, name, env, FCInstances, r.Fixture.FakeCredentials, nil)
	if err != nil {
		return LoadResult{}, err
	}
	defer fn.Close()
	tgt := r.Fixture.SignTarget(fn.URL)
	if name == "empty" {
		tgt = vegeta.Target{Method: "GET", URL: fn.URL + "/"}
	}
	if err := probe(ctx, tgt); err != nil {
		return LoadResult{}, fmt.Errorf("bench: %s answers no 2xx: %w", name, err)
	}
	res, err := Attack(ctx, "fc-"+name, r.Load, tgt)
	if err != nil {
		return res, err
	}
	r.keepLoad("fc_"+name, res)
	cmd := r.loadCmd(fmt.Sprintf("through fcemu, %d instances", FCInstances))
	label := map[string]string{"empty": "empty function", "sign": "`/sign`"}[name]
	r.Results.Add(Figure{ID: "fc_" + name + "_rps", What: "FC emulator: " + label + " throughput", Value: res.Throughput, Unit: "req/s", Command: cmd})
	r.Results.Add(Figure{ID: "fc_" + name + "_p50", What: "FC emulator: " + label + " p50", Value: res.P50Ms, Unit: "ms", Command: cmd})
	r.Results.Add(Figure{ID: "fc_" + name + "_p99", What: "FC emulator: " + label + " p99", Value: res.P99Ms, Unit: "ms", Command: cmd})
	if res.Errors > 0 {
		r.Results.Add(Targeted(Figure{ID: "fc_" + name + "_errors", What: "FC emulator: " + label + " errors", Value: float64(res.Errors), Unit: "requests",
			Command: cmd, Note: res.FirstError}, "0", false))
	}
	if name == "sign" {
		var peak int64
		for _, pid := range fn.PIDs() {
			if kb, err := ProcStatusKB(pid, "VmHWM"); err == nil && kb > peak {
				peak = kb
			}
		}
		if peak == 0 {
			return res, errors.New("bench: no sign instance found in /proc for its peak RSS")
		}
		mib := float64(peak) / 1024
		r.Results.Add(Targeted(Figure{ID: "sign_peak_rss", What: "sign function peak RSS under that load (VmHWM, largest instance)", Value: mib, Unit: "MiB",
			Command: cmd + "; VmHWM from /proc/<pid>/status"}, "≤ 30 MiB", mib <= 30))
	}
	return res, nil
}

// probe sends one request and wants a 2xx.
func probe(ctx context.Context, t vegeta.Target) error {
	req, err := t.Request()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// coldStarts measures, ColdRuns times, one instance of the empty and of the
// sign function from the exec of bootstrap to its first answered request,
// and reports the medians (the target applies to /sign).
func (r *Runner) coldStarts(ctx context.Context, code string) error {
	empty, err := r.coldStart(ctx, code, "empty", nil, vegeta.Target{Method: "GET", URL: "/"})
	if err != nil {
		return err
	}
	cmd := "fcemu.Start (1 instance) + one request over loopback, timed in ossgate-bench"
	r.Results.Add(Figure{ID: "cold_start_empty", What: fmt.Sprintf("cold start, empty function (median of %d)", r.ColdRuns),
		Value: empty, Unit: "ms", Command: cmd})
	sign, err := r.coldStart(ctx, code, "sign", r.Fixture.SignEnv(), r.Fixture.SignTarget(""))
	if err != nil {
		return err
	}
	r.Results.Add(Targeted(Figure{ID: "cold_start", What: fmt.Sprintf("cold start: exec of bootstrap → first answered `/sign` (median of %d)", r.ColdRuns),
		Value: sign, Unit: "ms", Command: cmd}, "≤ 30 ms", sign <= 30))
	return nil
}

// coldStart returns the median cold start of one function in milliseconds;
// t's URL is a path, put after the function's address.
func (r *Runner) coldStart(ctx context.Context, code, name string, env []string, t vegeta.Target) (float64, error) {
	var ds []time.Duration
	path := t.URL
	for range r.ColdRuns {
		t0 := time.Now()
		fn, err := StartFunction(code, name, env, 1, r.Fixture.FakeCredentials, nil)
		if err != nil {
			return 0, err
		}
		t.URL = fn.URL + path
		err = probe(ctx, t)
		d := time.Since(t0)
		fn.Close()
		if err != nil {
			return 0, fmt.Errorf("bench: cold start %s: %w", name, err)
		}
		ds = append(ds, d)
	}
	return float64(Median(ds).Microseconds()) / 1000, nil
}
