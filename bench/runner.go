package bench

import (
	"fmt"
	"io"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Rounds is how many times every per-call benchmark and every compared
// attack is repeated (alternating between the compared sides); figures are
// the median round. One round is noisy on a shared 2-core machine.
const Rounds = 3

// Runner carries what every measurement phase shares.
type Runner struct {
	Root     string    // module root (where go.mod is)
	Work     string    // scratch directory for binaries and code packages
	Fixture  Fixture   // the one request every side answers
	Load     Load      // the attack every load figure uses
	ColdRuns int       // cold starts measured (the median is reported)
	Events   int       // objects uploaded in the record phase
	Log      io.Writer // progress lines
	Results  *Results  // figures are appended here
	Now      func() time.Time
}

func (r *Runner) logf(format string, args ...any) {
	fmt.Fprintf(r.Log, "bench: "+format+"\n", args...)
}

// Skip records that a figure could not be measured and why.
func (r *Runner) Skip(what string, err error) {
	if r.Results.Skipped == nil {
		r.Results.Skipped = map[string]string{}
	}
	r.Results.Skipped[what] = err.Error()
	r.logf("skipped %s: %v", what, err)
}

// keepLoad stores a raw attack result under name.
func (r *Runner) keepLoad(name string, l LoadResult) {
	if r.Results.Loads == nil {
		r.Results.Loads = map[string]any{}
	}
	r.Results.Loads[name] = l
	r.logf("%s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors of %d", name, l.Throughput, l.P50Ms, l.P99Ms, l.Errors, l.Requests)
}

// SignTarget is the fixture's POST /sign request against base.
func (f Fixture) SignTarget(base string) vegeta.Target {
	h := map[string][]string{"Authorization": {f.Authorization}, "Content-Type": {"application/json"}}
	return vegeta.Target{Method: "POST", URL: base + "/sign", Body: []byte(f.Body), Header: h}
}

func (r *Runner) loadCmd(what string) string {
	return fmt.Sprintf("vegeta attack (library) %s, %d workers, max rate, %s", what, r.Load.Workers, r.Load.Duration)
}
