package config

import "time"

// Sweep limits: OSSGATE_SWEEP_AGE is a Go duration within these.
const (
	DefaultSweepAge = 24 * time.Hour
	MinSweepAge     = time.Second
	MaxSweepAge     = 30 * 24 * time.Hour
)

// sweep reads the sweep function's variables: its age, and the record
// function's (records store, quarantine mode), since the maintenance it runs
// also records the uploads whose events the record function gave up on.
func (l *loader) sweep(c *Config) {
	l.record(c)
	l.sweepAge(c)
}

// sweepAge reads OSSGATE_SWEEP_AGE, the sweep function's age and the sign
// function's multipart claim life.
func (l *loader) sweepAge(c *Config) {
	v := l.get(VarSweepAge, DefaultSweepAge.String())
	d, err := time.ParseDuration(v)
	if err != nil || d < MinSweepAge || d > MaxSweepAge {
		l.fail("%s: want a duration from %s to %s (e.g. 24h), got %q", VarSweepAge, MinSweepAge, MaxSweepAge, v)
	}
	c.SweepAge = d
}
