package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// GoBench is one line of `go test -bench -benchmem` output.
type GoBench struct {
	NsPerOp, BytesPerOp, AllocsPerOp float64
}

// ParseGoBench reads benchmark lines ("BenchmarkX-2  N  123 ns/op  4 B/op
// 1 allocs/op") and returns them by name without the -GOMAXPROCS suffix;
// of a benchmark run several times (-count) it returns the median run by
// ns/op.
func ParseGoBench(out []byte) map[string]GoBench {
	runs := map[string][]GoBench{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		var g GoBench
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				g.NsPerOp = v
			case "B/op":
				g.BytesPerOp = v
			case "allocs/op":
				g.AllocsPerOp = v
			}
		}
		runs[name] = append(runs[name], g)
	}
	res := map[string]GoBench{}
	for name, rs := range runs {
		sort.Slice(rs, func(i, j int) bool { return rs[i].NsPerOp < rs[j].NsPerOp })
		res[name] = rs[len(rs)/2]
	}
	return res
}

// RunGoBench runs `go test -run ^$ -bench pattern -benchmem -count Rounds`
// on pkgs and parses the result (medians). It returns the command line too.
func RunGoBench(ctx context.Context, pattern, benchtime string, pkgs ...string) (map[string]GoBench, string, error) {
	args := append([]string{"test", "-run", "^$", "-bench", pattern, "-benchmem", "-benchtime", benchtime, "-count", strconv.Itoa(Rounds)}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	out, err := cmd.CombinedOutput()
	line := "go " + strings.Join(args, " ")
	if err != nil {
		return nil, line, fmt.Errorf("bench: %s: %w: %s", line, err, out)
	}
	return ParseGoBench(out), line, nil
}
