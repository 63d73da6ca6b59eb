package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// mpLine is one line clients/test/mp-child.js prints.
type mpLine struct {
	Type         string          `json:"type"`
	OK           bool            `json:"ok"`
	Key          string          `json:"key"`
	Error        json.RawMessage `json:"error"`
	Ms           float64         `json:"ms"`
	LiveBytes    int64           `json:"liveBytes"`
	ArrayBuffers int64           `json:"arrayBuffers"`
}

// mpRun is one run of the mini-program module in its own process.
type mpRun struct {
	cmd    *exec.Cmd
	lines  chan mpLine
	stderr *strings.Builder
	done   chan error
}

// startMPChild starts mp-child.js with cfg (its JSON argument); gc adds
// --expose-gc (for cfg.measure).
func (r *Runner) startMPChild(ctx context.Context, cfg map[string]any, gc bool) (*mpRun, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	args := []string{filepath.Join(r.Root, "clients", "test", "mp-child.js"), string(b)}
	if gc {
		args = append([]string{"--expose-gc"}, args...)
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	run := &mpRun{cmd: cmd, lines: make(chan mpLine, 4096), stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = run.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: node mp-child.js: %w", err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var l mpLine
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Type != "progress" && l.Type != "state" {
				run.lines <- l
			}
		}
		close(run.lines)
		run.done <- cmd.Wait()
	}()
	return run, nil
}

// wait returns the run's result line and its read lines.
func (m *mpRun) wait() (mpLine, []mpLine, error) {
	var res mpLine
	var reads []mpLine
	for l := range m.lines {
		if l.Type == "result" {
			res = l
		} else if l.Type == "read" {
			reads = append(reads, l)
		}
	}
	if err := <-m.done; err != nil {
		return res, reads, fmt.Errorf("bench: mp-child.js: %w: %s", err, m.stderr)
	}
	if !res.OK {
		return res, reads, fmt.Errorf("bench: mp-child.js upload failed: %s", res.Error)
	}
	return res, reads, nil
}

// killWhen SIGKILLs the run once cond holds (checked every 20 ms), and
// waits for it to end.
func (m *mpRun) killWhen(cond func() bool) error {
	for !cond() {
		select {
		case err := <-m.done:
			return fmt.Errorf("bench: mp-child.js ended before the kill: %v: %s", err, m.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	_ = m.cmd.Process.Signal(os.Kill)
	for range m.lines {
	}
	<-m.done
	return nil
}
