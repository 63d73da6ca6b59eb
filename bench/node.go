package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
)

// NodePerCall runs bench/node-alt/percall.js in dir with the fixture Rounds
// times and returns the median nanoseconds per call and the Node version.
func NodePerCall(ctx context.Context, dir string, f Fixture, jwtKey string, iterations int) (float64, string, error) {
	var ns []float64
	var node string
	for range Rounds {
		n, v, err := nodePerCallOnce(ctx, dir, f, jwtKey, iterations)
		if err != nil {
			return 0, "", err
		}
		ns, node = append(ns, n), v
	}
	sort.Float64s(ns)
	return ns[len(ns)/2], node, nil
}

func nodePerCallOnce(ctx context.Context, dir string, f Fixture, jwtKey string, iterations int) (float64, string, error) {
	in, err := json.Marshal(f.NodeInput(jwtKey, iterations, iterations/10))
	if err != nil {
		return 0, "", fmt.Errorf("bench: %w", err)
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "percall.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, "", fmt.Errorf("bench: node percall.js: %w: %s", err, stderr.Bytes())
	}
	var r struct {
		NsPerOp float64
		Node    string
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return 0, "", fmt.Errorf("bench: node percall.js output %q: %w", out, err)
	}
	return r.NsPerOp, r.Node, nil
}

// NodeServer returns argv and env that start bench/node-alt/server.js in
// dir on a random 127.0.0.1 port for StartServer.
func NodeServer(dir string, f Fixture, jwtKey string) (argv, env []string, err error) {
	in, err := json.Marshal(f.NodeInput(jwtKey, 0, 0))
	if err != nil {
		return nil, nil, fmt.Errorf("bench: %w", err)
	}
	return []string{"node", filepath.Join(dir, "server.js")}, []string{"NODE_ALT_FIXTURE=" + string(in), "NODE_ALT_PORT=0"}, nil
}
