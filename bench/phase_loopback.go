package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ServerCPU is the core each loopback server is pinned to; the harness (and
// so vegeta) is pinned to core 0 meanwhile.
const ServerCPU = 1

// Loopback compares throughput per core over loopback HTTP: the sign handler
// on a plain net/http server (bench/cmd/signserver, GOMAXPROCS=1) against
// the Node alternative's node:http server, each pinned to one core.
func (r *Runner) Loopback(ctx context.Context) error {
	bin := filepath.Join(r.Work, "signserver")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./bench/cmd/signserver")
	build.Dir = r.Root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("bench: build signserver: %w: %s", err, out)
	}
	if err := PinSelf(0); err != nil {
		return err
	}
	defer func() { _ = PinSelf() }()
	goArgv, pinned := Pinned(ServerCPU, bin)
	goRes, err := r.serve(ctx, "loopback_go", "Go `signserver` (GOMAXPROCS=1)", goArgv,
		append(r.Fixture.SignEnv(), "GOMAXPROCS=1", "SIGNSERVER_CREDS="+r.Fixture.AccessKeyID+":"+r.Fixture.Secret+":"+r.Fixture.SecurityToken))
	if err != nil {
		return err
	}
	dir := filepath.Join(r.Root, "bench", "node-alt")
	for _, mode := range []string{"keyobject", "string"} {
		argv, env, err := NodeServer(dir, r.Fixture, mode)
		if err != nil {
			return err
		}
		argv, _ = Pinned(ServerCPU, argv...)
		nodeRes, err := r.serve(ctx, "loopback_node_"+mode, "Node alternative ("+nodeLabel(mode)+")", argv, env)
		if err != nil {
			return err
		}
		x := goRes.Throughput / nodeRes.Throughput
		note := ""
		if !pinned {
			note = "taskset missing: servers not pinned"
		}
		cmd := r.loadCmd("over loopback, each server on one core")
		r.Results.Add(Targeted(Figure{ID: "throughput_per_core_ratio_" + mode, What: "throughput per core: Go / Node (" + nodeLabel(mode) + ")",
			Value: x, Unit: "×", Command: cmd, Note: note}, "≥ 3×", x >= 3))
		r.Results.Add(Targeted(Figure{ID: "p99_ratio_" + mode, What: "p99 under that load: Go / Node (" + nodeLabel(mode) + ")",
			Value: goRes.P99Ms / nodeRes.P99Ms, Unit: "×", Command: cmd}, "< 1× (lower)", goRes.P99Ms < nodeRes.P99Ms))
	}
	return nil
}

// serve starts one pinned server, attacks its /sign and records the figures.
func (r *Runner) serve(ctx context.Context, id, label string, argv, env []string) (LoadResult, error) {
	srv, err := StartServer(ctx, argv, env)
	if err != nil {
		return LoadResult{}, err
	}
	defer srv.Stop()
	tgt := r.Fixture.SignTarget("http://" + srv.Addr)
	if err := probe(ctx, tgt); err != nil {
		return LoadResult{}, fmt.Errorf("bench: %s: %w", label, err)
	}
	res, err := Attack(ctx, id, r.Load, tgt)
	if err != nil {
		return res, err
	}
	r.keepLoad(id, res)
	cmd := r.loadCmd("over loopback, server pinned to one core") + "; " + fmt.Sprint(argv)
	r.Results.Add(Figure{ID: id + "_rps", What: "loopback: " + label + " throughput", Value: res.Throughput, Unit: "req/s", Command: cmd})
	r.Results.Add(Figure{ID: id + "_p50", What: "loopback: " + label + " p50", Value: res.P50Ms, Unit: "ms", Command: cmd})
	r.Results.Add(Figure{ID: id + "_p99", What: "loopback: " + label + " p99", Value: res.P99Ms, Unit: "ms", Command: cmd})
	if res.Errors > 0 {
		fmt.Fprintf(os.Stderr, "bench: %s: %d errors, first: %s\n", id, res.Errors, res.FirstError)
	}
	return res, nil
}
