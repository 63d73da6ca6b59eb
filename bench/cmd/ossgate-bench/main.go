// Command ossgate-bench measures ossgate against the Node.js alternative and
// under the FC runtime emulator, and writes every figure with the command
// that produced it to bench/results.json, and the report bench/RESULTS.md.
// `make bench` runs it from the module root; everything listens on
// 127.0.0.1 and every attack is bounded in time.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/ossgate/ossgate/bench"
)

func main() {
	out := flag.String("out", "bench/results.json", "results file")
	report := flag.String("report", bench.ReportPath, "report written from the results (empty: none)")
	phases := flag.String("phases", "percall,loopback,fc,cold,record,ossrss,records,multipart,reconcile,callback,moderation", "phases to run, comma-separated")
	workers := flag.Int("workers", 8, "vegeta workers (and connections) per attack")
	duration := flag.Duration("duration", 5*time.Second, "duration of each attack")
	cold := flag.Int("cold", 7, "cold starts measured (median reported)")
	events := flag.Int("events", 500, "objects uploaded for the record phase")
	render := flag.Bool("render", false, "measure nothing: rewrite the report from the -out file")
	merge := flag.Bool("merge", false, "keep the -out file's figures that the phases run do not measure again (to rerun some phases)")
	flag.Parse()
	if *render {
		if err := renderOnly(*out, *report); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*out, *report, strings.Split(*phases, ","), bench.Load{Workers: *workers, Duration: *duration}, *cold, *events, *merge); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out, report string, phases []string, load bench.Load, cold, events int, merge bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "ossgate-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fx, err := bench.NewFixture(time.Now())
	if err != nil {
		return err
	}
	res := &bench.Results{Date: time.Now().UTC().Format(time.RFC3339), Machine: bench.ThisMachine(ctx),
		Command: "make bench (go run ./bench/cmd/ossgate-bench " + strings.Join(os.Args[1:], " ") + ")"}
	r := &bench.Runner{Root: root, Work: work, Fixture: fx, Load: load, ColdRuns: cold, Events: events, Log: os.Stderr, Results: res}
	steps := map[string]func(context.Context) error{"percall": r.PerCall, "loopback": r.Loopback, "fc": r.FC, "cold": r.Cold, "record": r.Record, "ossrss": r.OSSRSS,
		"records": r.Records, "multipart": r.Multipart, "reconcile": r.Reconcile, "callback": r.Callback, "moderation": r.Moderation}
	for _, p := range phases {
		step, ok := steps[p]
		if !ok {
			return fmt.Errorf("ossgate-bench: unknown phase %q", p)
		}
		fmt.Fprintf(os.Stderr, "bench: phase %s\n", p)
		if err := step(ctx); err != nil {
			r.Skip("phase "+p, err)
		}
	}
	res.Machine.LoadAvg = append(res.Machine.LoadAvg, bench.LoadAvg())
	if merge {
		if res, err = mergeInto(out, res, phases); err != nil {
			return err
		}
	}
	if err := res.WriteJSON(out); err != nil {
		return err
	}
	fmt.Print(res.Markdown())
	return writeReport(report, res)
}

// mergeInto returns the results of file with res's figures added: a
// figure res measured replaces the file's of the same ID, and is noted
// with its date and phases; the file's date, machine and command stay,
// with the rerun phases named in the command.
func mergeInto(file string, res *bench.Results, phases []string) (*bench.Results, error) {
	old, err := readResults(file)
	if err != nil {
		return nil, err
	}
	fresh := map[string]bool{}
	for _, f := range res.Figures {
		fresh[f.ID] = true
	}
	var figs []bench.Figure
	for _, f := range old.Figures {
		if !fresh[f.ID] {
			figs = append(figs, f)
		}
	}
	for _, f := range res.Figures {
		note := fmt.Sprintf("measured %s by -phases %s", res.Date[:10], strings.Join(phases, ","))
		if f.Note != "" {
			note = f.Note + "; " + note
		}
		f.Note = note
		figs = append(figs, f)
	}
	old.Figures = figs
	old.Command += "; then -merge -phases " + strings.Join(phases, ",") + " on " + res.Date[:10]
	for k, v := range res.Skipped {
		if old.Skipped == nil {
			old.Skipped = map[string]string{}
		}
		old.Skipped[k] = v
	}
	return old, nil
}

// readResults reads a results file.
func readResults(file string) (*bench.Results, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var res bench.Results
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("ossgate-bench: %s: %w", file, err)
	}
	return &res, nil
}

// renderOnly rewrites the report from a results file.
func renderOnly(out, report string) error {
	res, err := readResults(out)
	if err != nil {
		return err
	}
	return writeReport(report, res)
}

// writeReport writes the report ("" = none) of res and bench/bad-inputs.md.
func writeReport(report string, res *bench.Results) error {
	if report == "" {
		return nil
	}
	bad, err := os.ReadFile("bench/bad-inputs.md")
	if err != nil {
		return fmt.Errorf("ossgate-bench: %w (OSSGATE_BADINPUTS_MD=$PWD/bench/bad-inputs.md go test -run TestBadInputs ./local/e2e writes it)", err)
	}
	return bench.WriteReport(report, res, string(bad))
}
