package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Load describes one vegeta attack: Workers concurrent workers (and at most
// as many keep-alive connections) for Duration, at Rate requests per second,
// or as fast as the workers can go when Rate is zero.
type Load struct {
	Workers  int
	Duration time.Duration
	Rate     int
}

// LoadResult is what one attack measured. Throughput counts successful
// (2xx/3xx) responses per second; latencies are in milliseconds over every
// request; Errors counts failed requests (transport errors or status ≥ 400).
type LoadResult struct {
	Requests    uint64         `json:"requests"`
	Throughput  float64        `json:"throughputPerSec"`
	P50Ms       float64        `json:"p50Ms"`
	P99Ms       float64        `json:"p99Ms"`
	Errors      uint64         `json:"errors"`
	StatusCodes map[string]int `json:"statusCodes"`
	FirstError  string         `json:"firstError,omitempty"`
}

// Attack runs l against the targets (taken round robin) and returns the
// metrics. It stops early, with the metrics so far, when ctx is done.
func Attack(ctx context.Context, name string, l Load, targets ...vegeta.Target) (LoadResult, error) {
	if len(targets) == 0 || l.Workers < 1 || l.Duration <= 0 {
		return LoadResult{}, fmt.Errorf("bench: attack %s: need targets, workers and a duration", name)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: l.Workers, MaxConnsPerHost: l.Workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	atk := vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: tr, Timeout: 10 * time.Second}),
		vegeta.Workers(uint64(l.Workers)),
		vegeta.MaxWorkers(uint64(l.Workers)),
		vegeta.Redirects(vegeta.NoFollow),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	rate := vegeta.Rate{Freq: l.Rate, Per: time.Second}
	var m vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(targets...), rate, l.Duration, name) {
		m.Add(res)
	}
	m.Close()
	out := LoadResult{
		Requests:    m.Requests,
		Throughput:  m.Throughput,
		P50Ms:       ms(m.Latencies.P50),
		P99Ms:       ms(m.Latencies.P99),
		Errors:      m.Requests - uint64(m.Success*float64(m.Requests)+0.5),
		StatusCodes: m.StatusCodes,
	}
	if len(m.Errors) > 0 {
		out.FirstError = m.Errors[0]
	}
	return out, ctx.Err()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
