package bench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
)

// ServerCPU is the core each loopback server is pinned to; the harness (and
// so vegeta) is pinned to core 0 meanwhile.
const ServerCPU = 1

// loopbackSide is one server of the loopback comparison.
type loopbackSide struct {
	id, label string
	argv, env []string
	srv       *Server
	rounds    []LoadResult
}

// Loopback compares throughput per core over loopback HTTP: the sign handler
// on a plain net/http server (function/internal/signbench/signserver, GOMAXPROCS=1) against
// the Node alternative's node:http server (both JWT key forms), each pinned
// to one core, attacked alternately Rounds times; medians are reported.
func (r *Runner) Loopback(ctx context.Context) error {
	bin := filepath.Join(r.Work, "signserver")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./function/internal/signbench/signserver")
	build.Dir = r.Root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("bench: build signserver: %w: %s", err, out)
	}
	sides := []*loopbackSide{{id: "loopback_go", label: "Go `signserver` (GOMAXPROCS=1)", argv: []string{bin},
		env: append(r.Fixture.SignEnv(), "GOMAXPROCS=1", "SIGNSERVER_CREDS="+r.Fixture.AccessKeyID+":"+r.Fixture.Secret+":"+r.Fixture.SecurityToken)}}
	for _, mode := range []string{"keyobject", "string"} {
		argv, env, err := NodeServer(filepath.Join(r.Root, "bench", "node-alt"), r.Fixture, mode)
		if err != nil {
			return err
		}
		sides = append(sides, &loopbackSide{id: "loopback_node_" + mode, label: "Node alternative (" + nodeLabel(mode) + ")", argv: argv, env: env})
	}
	if err := PinSelf(0); err != nil {
		return err
	}
	defer func() { _ = PinSelf() }()
	pinned := false
	for _, s := range sides {
		argv, ok := Pinned(ServerCPU, s.argv...)
		srv, err := StartServer(ctx, argv, s.env)
		if err != nil {
			return err
		}
		defer srv.Stop()
		if err := probe(ctx, r.Fixture.SignTarget("http://"+srv.Addr)); err != nil {
			return fmt.Errorf("bench: %s: %w", s.label, err)
		}
		s.srv, pinned = srv, ok
	}
	for range Rounds {
		for _, s := range sides {
			res, err := Attack(ctx, s.id, r.Load, r.Fixture.SignTarget("http://"+s.srv.Addr))
			if err != nil {
				return err
			}
			s.rounds = append(s.rounds, res)
		}
	}
	return r.loopbackFigures(sides, pinned)
}

// loopbackFigures records each side's median round and Go's ratios to each
// Node side.
func (r *Runner) loopbackFigures(sides []*loopbackSide, pinned bool) error {
	cmd := r.loadCmd(fmt.Sprintf("over loopback, each server pinned to core %d (taskset), harness on core 0, median of %d alternating rounds", ServerCPU, Rounds))
	note := ""
	if !pinned {
		note = "taskset missing: servers not pinned"
	}
	med := make([]LoadResult, len(sides))
	for i, s := range sides {
		sort.Slice(s.rounds, func(a, b int) bool { return s.rounds[a].Throughput < s.rounds[b].Throughput })
		res := s.rounds[len(s.rounds)/2]
		var errs uint64
		for _, x := range s.rounds {
			errs += x.Errors
		}
		if errs > 0 {
			return fmt.Errorf("bench: %s: %d failed requests", s.label, errs)
		}
		med[i] = res
		r.keepLoad(s.id, res)
		r.Results.Add(Figure{ID: s.id + "_rps", What: "loopback: " + s.label + " throughput", Value: res.Throughput, Unit: "req/s", Command: cmd, Note: note})
		r.Results.Add(Figure{ID: s.id + "_p50", What: "loopback: " + s.label + " p50", Value: res.P50Ms, Unit: "ms", Command: cmd})
		r.Results.Add(Figure{ID: s.id + "_p99", What: "loopback: " + s.label + " p99", Value: res.P99Ms, Unit: "ms", Command: cmd})
	}
	for i, s := range sides[1:] {
		node, mode := med[i+1], s.id[len("loopback_node_"):]
		x := med[0].Throughput / node.Throughput
		r.Results.Add(Targeted(Figure{ID: "throughput_per_core_ratio_" + mode, What: "throughput per core: Go / " + s.label,
			Value: x, Unit: "×", Command: cmd, Note: note}, "≥ 3×", x >= 3))
		r.Results.Add(Targeted(Figure{ID: "p99_ratio_" + mode, What: "p99 under that load: Go / " + s.label,
			Value: med[0].P99Ms / node.P99Ms, Unit: "×", Command: cmd}, "< 1× (lower)", med[0].P99Ms < node.P99Ms))
	}
	return nil
}
