package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Cold measures the start of the real binary, ColdRuns rounds side by side
// on this machine: a hello-world Go binary's exec to its first line, the
// empty and the sign function's cold start under the FC emulator (exec of
// bootstrap to the first answered request), and the binary's package init
// (GODEBUG=inittrace=1). The ratio of the sign function's cold start to the
// hello-world exec holds across machines where the milliseconds do not.
func (r *Runner) Cold(ctx context.Context) error {
	code := filepath.Join(r.Work, "code")
	if err := BuildCode(ctx, r.Root, code); err != nil {
		return err
	}
	hello, err := BuildHello(ctx, filepath.Join(r.Work, "hello"))
	if err != nil {
		return err
	}
	var helloDs, emptyDs, signDs, inits []time.Duration
	for range r.ColdRuns {
		h, err := execToFirstLine(ctx, hello)
		if err != nil {
			return err
		}
		e, err := r.coldStart(ctx, code, "empty", nil)
		if err != nil {
			return err
		}
		s, err := r.coldStart(ctx, code, "sign", r.Fixture.SignEnv())
		if err != nil {
			return err
		}
		in, err := PackageInit(ctx, filepath.Join(code, "ossgate"))
		if err != nil {
			return err
		}
		helloDs, emptyDs, signDs, inits = append(helloDs, h), append(emptyDs, e), append(signDs, s), append(inits, in)
	}
	ms := func(ds []time.Duration) float64 { return float64(Median(ds).Microseconds()) / 1000 }
	cmd := "fcemu.Start (1 instance) + one request over loopback, timed in ossgate-bench"
	r.Results.Add(Figure{ID: "cold_start_empty", What: fmt.Sprintf("cold start, empty function (median of %d)", r.ColdRuns),
		Value: ms(emptyDs), Unit: "ms", Command: cmd})
	sign := ms(signDs)
	r.Results.Add(Targeted(Figure{ID: "cold_start", What: fmt.Sprintf("cold start: exec of bootstrap → first answered `/sign` (median of %d)", r.ColdRuns),
		Value: sign, Unit: "ms", Command: cmd}, "≤ 30 ms", sign <= 30))
	r.Results.Add(Figure{ID: "hello_exec", What: fmt.Sprintf("a hello-world Go binary: exec → its first line (median of %d, rounds alternating with the cold starts)", r.ColdRuns),
		Value: ms(helloDs), Unit: "ms", Command: "go build -trimpath -ldflags \"-s -w\" of fmt.Println(\"hello\"), exec'd by ossgate-bench"})
	ratio := sign / ms(helloDs)
	r.Results.Add(Figure{ID: "cold_start_ratio", What: "cold start of the sign function / hello-world exec, same machine, same run",
		Value: ratio, Unit: "×", Command: "cold_start / hello_exec"})
	in := ms(inits)
	r.Results.Add(Targeted(Figure{ID: "package_init", What: fmt.Sprintf("package init of `ossgate`, every package's init summed (median of %d)", r.ColdRuns),
		Value: in, Unit: "ms", Command: "GODEBUG=inittrace=1 build/code/ossgate inittrace"}, "≤ 3 ms", in <= 3))
	return nil
}

// coldStart returns one cold start of function name: exec of bootstrap
// under the FC emulator to its first answered request.
func (r *Runner) coldStart(ctx context.Context, code, name string, env []string) (time.Duration, error) {
	t := r.Fixture.SignTarget("")
	path := t.URL
	t0 := time.Now()
	fn, err := StartFunction(code, name, env, 1, r.Fixture.FakeCredentials, nil)
	if err != nil {
		return 0, err
	}
	defer fn.Close()
	t.URL = fn.URL + path
	if err := probe(ctx, t); err != nil {
		return 0, fmt.Errorf("bench: cold start %s: %w", name, err)
	}
	return time.Since(t0), nil
}

// helloSource is the hello-world program the cold start is compared with.
const helloSource = `package main

import "fmt"

func main() { fmt.Println("hello") }
`

// BuildHello builds the hello-world program in dir, as the function binary
// is built, and returns the binary's path.
func BuildHello(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	files := map[string]string{"main.go": helloSource, "go.mod": "module hello\n\ngo 1.26\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return "", fmt.Errorf("bench: %w", err)
		}
	}
	bin := filepath.Join(dir, "hello")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench: build hello: %w\n%s", err, out)
	}
	return bin, nil
}

// execToFirstLine returns the time from the exec of bin to the first line
// it writes to stdout.
func execToFirstLine(ctx context.Context, bin string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, bin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("bench: exec %s: %w", bin, err)
	}
	_, rerr := bufio.NewReader(out).ReadString('\n')
	d := time.Since(t0)
	if err := errors.Join(rerr, cmd.Wait()); err != nil {
		return 0, fmt.Errorf("bench: exec %s: %w", bin, err)
	}
	return d, nil
}

// PackageInit returns the summed package init of bin, as
// GODEBUG=inittrace=1 reports it: bin runs as role "inittrace", which
// every function binary refuses right after its package inits.
func PackageInit(ctx context.Context, bin string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, bin, "inittrace")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run() // exits 1: no such role
	d, n := SumInitTrace(stderr.String())
	if n == 0 {
		return 0, fmt.Errorf("bench: %s printed no inittrace lines: %s", bin, strings.TrimSpace(stderr.String()))
	}
	return d, nil
}

// SumInitTrace sums the clock times of the inittrace lines in out
// ("init <pkg> @<t> ms, <clock> ms clock, <bytes> bytes, <n> allocs") and
// returns the sum and the number of lines.
func SumInitTrace(out string) (time.Duration, int) {
	var sum time.Duration
	n := 0
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 7 || f[0] != "init" || f[5] != "ms" || f[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			continue
		}
		sum += time.Duration(ms * float64(time.Millisecond))
		n++
	}
	return sum, n
}
