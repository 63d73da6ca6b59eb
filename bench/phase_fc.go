package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
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
// /sign against the empty function under the same load, and the sign
// function's peak RSS (Cold measures its start).
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

	if err := r.fcCompare(ctx, code); err != nil {
		r.Skip("/sign against the empty function through the FC emulator", err)
	}
	return nil
}

// fcCompare runs the empty and the sign function side by side under the
// emulator, attacks them alternately Rounds times with the same request,
// and records the median round of each, their ratio, the CPU time per
// request in the function processes, and the sign instances' peak RSS.
func (r *Runner) fcCompare(ctx context.Context, code string) error {
	names := []string{"empty", "sign"}
	fns := map[string]*Function{}
	for _, name := range names {
		var env []string
		if name == "sign" {
			env = r.Fixture.SignEnv()
		}
		fn, err := StartFunction(code, name, env, FCInstances, r.Fixture.FakeCredentials, nil)
		if err != nil {
			return err
		}
		defer fn.Close()
		if err := probe(ctx, r.Fixture.SignTarget(fn.URL)); err != nil {
			return fmt.Errorf("bench: %s answers no 2xx: %w", name, err)
		}
		fns[name] = fn
	}
	rounds := map[string][]LoadResult{}
	cpu := map[string]int64{}
	for range Rounds {
		for _, name := range names {
			fn := fns[name]
			c0 := cpuTicks(fn.PIDs())
			res, err := Attack(ctx, "fc-"+name, r.Load, r.Fixture.SignTarget(fn.URL))
			if err != nil {
				return err
			}
			cpu[name] += cpuTicks(fn.PIDs()) - c0
			rounds[name] = append(rounds[name], res)
		}
	}
	cmd := r.loadCmd(fmt.Sprintf("through fcemu, %d instances, same POST /sign request, median of %d alternating rounds", FCInstances, Rounds))
	med := map[string]LoadResult{}
	for _, name := range names {
		med[name] = r.fcFigures(name, rounds[name], cpu[name], cmd)
	}
	ratio := med["sign"].Throughput / med["empty"].Throughput
	r.Results.Add(Targeted(Figure{ID: "fc_sign_vs_empty", What: "FC emulator: `/sign` throughput / empty function throughput",
		Value: ratio, Unit: "×", Command: cmd}, "≥ 0.8×", ratio >= 0.8))
	var peak int64
	for _, pid := range fns["sign"].PIDs() {
		if kb, err := ProcStatusKB(pid, "VmHWM"); err == nil && kb > peak {
			peak = kb
		}
	}
	if peak == 0 {
		return errors.New("bench: no sign instance found in /proc for its peak RSS")
	}
	mib := float64(peak) / 1024
	r.Results.Add(Targeted(Figure{ID: "sign_peak_rss", What: "sign function peak RSS under that load (VmHWM, largest instance)", Value: mib, Unit: "MiB",
		Command: cmd + "; VmHWM from /proc/<pid>/status"}, "≤ 30 MiB", mib <= 30))
	return nil
}

// fcFigures records the median-throughput round of one function and its
// CPU time per request over every round, and returns that round.
func (r *Runner) fcFigures(name string, rounds []LoadResult, cpu int64, cmd string) LoadResult {
	sort.Slice(rounds, func(i, j int) bool { return rounds[i].Throughput < rounds[j].Throughput })
	res := rounds[len(rounds)/2]
	var reqs, errs uint64
	for _, x := range rounds {
		reqs, errs = reqs+x.Requests, errs+x.Errors
	}
	r.keepLoad("fc_"+name, res)
	label := map[string]string{"empty": "empty function", "sign": "`/sign`"}[name]
	r.Results.Add(Figure{ID: "fc_" + name + "_rps", What: "FC emulator: " + label + " throughput", Value: res.Throughput, Unit: "req/s", Command: cmd})
	r.Results.Add(Figure{ID: "fc_" + name + "_p50", What: "FC emulator: " + label + " p50", Value: res.P50Ms, Unit: "ms", Command: cmd})
	r.Results.Add(Figure{ID: "fc_" + name + "_p99", What: "FC emulator: " + label + " p99", Value: res.P99Ms, Unit: "ms", Command: cmd})
	r.Results.Add(Figure{ID: "fc_" + name + "_cpu_per_req", What: "FC emulator: " + label + " CPU time per request in the function's processes",
		Value: float64(cpu) * 10000 / float64(max(reqs, 1)), Unit: "µs", Command: cmd + "; utime+stime from /proc/<pid>/stat"})
	r.Results.Add(Targeted(Figure{ID: "fc_" + name + "_errors", What: "FC emulator: " + label + " failed requests (all rounds)",
		Value: float64(errs), Unit: "", Command: cmd}, "0", errs == 0))
	return res
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
