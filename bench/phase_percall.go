package bench

import (
	"context"
	"fmt"
	"path/filepath"
)

// NodeIterations is how many calls percall.js times per run, by JWT key
// form (the string form is about ten times slower).
var NodeIterations = map[string]int{"keyobject": 20000, "string": 3000}

// PerCall measures the signer and the sign handler core with Go
// benchmarks, the Node alternative in process, and records their ratios.
func (r *Runner) PerCall(ctx context.Context) error {
	sg, line, err := RunGoBench(ctx, "^Benchmark(Sign|HMACFloor)$", "1s", "./signer/")
	if err != nil {
		return err
	}
	sign, floor := sg["BenchmarkSign"], sg["BenchmarkHMACFloor"]
	if sign.NsPerOp > 0 && floor.NsPerOp > 0 {
		r.Results.Add(Figure{ID: "signer_ns", What: "signer `Sign` (`BenchmarkSign`)", Value: sign.NsPerOp, Unit: "ns/op", Command: line,
			Note: fmt.Sprintf("%.0f allocs/op, %.0f B/op", sign.AllocsPerOp, sign.BytesPerOp)})
		r.Results.Add(Figure{ID: "hmac_floor_ns", What: "HMAC floor (`BenchmarkHMACFloor`)", Value: floor.NsPerOp, Unit: "ns/op", Command: line})
		x := sign.NsPerOp / floor.NsPerOp
		r.Results.Add(Targeted(Figure{ID: "signer_vs_floor", What: "signer / HMAC floor", Value: x, Unit: "×", Command: line}, "≤ 1.5×", x <= 1.5))
	} else {
		r.Skip("signer benchmarks", fmt.Errorf("BenchmarkSign or BenchmarkHMACFloor missing in ./signer"))
	}
	core, cline, err := RunGoBench(ctx, "^BenchmarkSign(HandlerCore|ThroughFCAdapter)$", "1s", "./function/internal/signbench/")
	hc := core["BenchmarkSignHandlerCore"]
	if err != nil || hc.NsPerOp == 0 {
		r.Skip("sign handler core benchmark", fmt.Errorf("BenchmarkSignHandlerCore did not run: %v", err))
	} else {
		us := hc.NsPerOp / 1000
		r.Results.Add(Targeted(Figure{ID: "handler_core_us", What: "sign handler core, HS256 (`BenchmarkSignHandlerCore`)", Value: us, Unit: "µs/op", Command: cline,
			Note: fmt.Sprintf("%.0f allocs/op, %.0f B/op", hc.AllocsPerOp, hc.BytesPerOp)}, "≤ 20 µs/op", us <= 20))
	}
	if fa := core["BenchmarkSignThroughFCAdapter"]; fa.NsPerOp > 0 {
		r.Results.Add(Figure{ID: "fc_adapter_us", What: "sign handler core + FC event/response JSON + fcadapter (`BenchmarkSignThroughFCAdapter`)",
			Value: fa.NsPerOp / 1000, Unit: "µs/op", Command: cline, Note: fmt.Sprintf("%.0f allocs/op, %.0f B/op", fa.AllocsPerOp, fa.BytesPerOp)})
	}
	dir := filepath.Join(r.Root, "bench", "node-alt")
	for _, mode := range []string{"keyobject", "string"} {
		iters := NodeIterations[mode]
		ns, node, err := NodePerCall(ctx, dir, r.Fixture, mode, iters)
		if err != nil {
			return err
		}
		r.Results.Machine.Node = node
		cmd := fmt.Sprintf("node bench/node-alt/percall.js (jwtKey %s, %d calls after %d warmup; median of %d runs)", mode, iters, iters/10, Rounds)
		r.Results.Add(Figure{ID: "node_percall_" + mode + "_us", What: "Node alternative per call, " + nodeLabel(mode), Value: ns / 1000, Unit: "µs/op", Command: cmd})
		if hc.NsPerOp > 0 {
			x := ns / hc.NsPerOp
			target, ok := "≥ 4×", x >= 4
			r.Results.Add(Targeted(Figure{ID: "percall_ratio_" + mode, What: "per call: Node (" + nodeLabel(mode) + ") / Go handler core", Value: x, Unit: "×",
				Command: cline + "; " + cmd}, target, ok))
		}
	}
	return nil
}

func nodeLabel(mode string) string {
	if mode == "string" {
		return "secret passed as a string (the usual sample)"
	}
	return "secret as a KeyObject made once (tuned)"
}
