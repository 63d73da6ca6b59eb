package stack

import (
	"context"
	"fmt"
	"time"

	"github.com/ossgate/ossgate/internal/shaper"
	"github.com/ossgate/ossgate/local/fcemu"
)

// sweepTimeout is the sweep function's timeout, as s.yaml sets it.
const sweepTimeout = 120 * time.Second

// startSweep starts the sweep function and, with cfg.SweepEvery, its timer.
func (s *Stack) startSweep(cfg Config) error {
	var err error
	if s.Sweep, err = s.startFunction(cfg, "sweep", 1, sweepTimeout, cfg.SweepEnv); err != nil {
		return err
	}
	if cfg.SweepEvery <= 0 {
		return nil
	}
	stop := make(chan struct{})
	s.closers = append(s.closers, func() { close(stop) })
	go func() {
		t := time.NewTicker(cfg.SweepEvery)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				// Asynchronous, retried on failure, as FC delivers timer events.
				_ = s.Sweep.InvokeAsync(timerEvent(now))
			case <-stop:
				return
			}
		}
	}()
	return nil
}

// SweepNow invokes the sweep function once with the event its timer
// trigger sends, and waits for it; the error is the function's.
func (s *Stack) SweepNow(ctx context.Context) error {
	if _, err := s.Sweep.Invoke(ctx, timerEvent(time.Now())); err != nil {
		return fmt.Errorf("stack: sweep: %w", err)
	}
	return nil
}

// timerEvent is the event of an FC timer trigger named like s.yaml's.
func timerEvent(at time.Time) []byte {
	return fmt.Appendf(nil, `{"triggerTime":%q,"triggerName":"hourly","payload":""}`, at.UTC().Format(time.RFC3339))
}

// startLink starts the shaping proxy of cfg.Link, if any, in front of the
// OSS endpoint, and makes it the address clients are given.
func (s *Stack) startLink(cfg Config) error {
	if cfg.Link == nil {
		return nil
	}
	p, err := shaper.Start(s.OSSURL[len("http://"):], *cfg.Link)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	s.Link = p
	s.OSSPublicURL = "http://" + p.Addr
	s.closers = append(s.closers, func() { _ = p.Close() })
	return nil
}

// recordAsync returns cfg.Events with cfg.RecordAsync applied: FC's retry
// and age settings, and its destinations resolved to the stack's sweep
// (maintenance) function, started by then.
func (s *Stack) recordAsync(cfg Config) (fcemu.AsyncConfig, error) {
	ev := cfg.Events
	a := cfg.RecordAsync
	if a == nil {
		return ev, nil
	}
	if err := a.Apply(&ev); err != nil {
		return ev, fmt.Errorf("stack: record asyncInvokeConfig: %w", err)
	}
	for _, d := range []struct {
		to   **fcemu.FC3Destination
		dest *fcemu.Destination
	}{{&a.DestinationConfig.OnFailure, &ev.OnFailure}, {&a.DestinationConfig.OnSuccess, &ev.OnSuccess}} {
		if *d.to == nil || (*d.to).Destination == "" {
			continue
		}
		name, err := fcemu.FunctionOf((*d.to).Destination)
		if err != nil {
			return ev, fmt.Errorf("stack: record asyncInvokeConfig: %w", err)
		}
		if name != s.Sweep.Name() {
			return ev, fmt.Errorf("stack: record asyncInvokeConfig: destination function %q: the local stack delivers to %s only", name, s.Sweep.Name())
		}
		*d.dest = s.Sweep
	}
	return ev, nil
}
