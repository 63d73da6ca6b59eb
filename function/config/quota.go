package config

import (
	"fmt"
	"time"
)

// Quota bounds what one user uploads with a profile in a period: at most
// Files uploads and Bytes bytes (0 is no limit of that kind) per calendar
// day or month in UTC. Recorded uploads count, and so do tickets still
// valid whose upload is not recorded yet; deleted uploads do not.
type Quota struct {
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"`
	Per   string `json:"per"` // PerDay or PerMonth
}

// Rate bounds the POST /sign calls one user makes with a profile: at most
// Signs admitted calls per fixed window of a second, a minute or an hour
// (UTC).
type Rate struct {
	Signs int    `json:"signs"`
	Per   string `json:"per"` // PerSecond, PerMinute or PerHour
}

// Periods and windows.
const (
	PerSecond = "second"
	PerMinute = "minute"
	PerHour   = "hour"
	PerDay    = "day"
	PerMonth  = "month"
)

// On reports whether q limits anything.
func (q Quota) On() bool { return q.Files > 0 || q.Bytes > 0 }

// On reports whether r limits anything.
func (r Rate) On() bool { return r.Signs > 0 }

// Period returns the period [start, end) of q that holds at (UTC days or
// months).
func (q Quota) Period(at time.Time) (start, end time.Time) {
	at = at.UTC()
	if q.Per == PerMonth {
		start = time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0)
	}
	start = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 0, 1)
}

// Window returns the rate window [start, end) of r that holds at.
func (r Rate) Window(at time.Time) (start, end time.Time) {
	d := map[string]time.Duration{PerSecond: time.Second, PerMinute: time.Minute, PerHour: time.Hour}[r.Per]
	if d == 0 {
		d = time.Minute
	}
	start = at.UTC().Truncate(d)
	return start, start.Add(d)
}

// MaxQuotaFiles bounds a quota's files, and MaxRateSigns a rate's calls:
// the OSS record store keeps every counted claim of a user in one object.
const (
	MaxQuotaFiles = 100000
	MaxRateSigns  = 10000
)

// check returns the problems of q and r, each a sentence fragment.
func checkLimits(q *Quota, r *Rate) []string {
	var bad []string
	if q != nil {
		switch {
		case q.Files < 0 || q.Files > MaxQuotaFiles || q.Bytes < 0:
			bad = append(bad, fmt.Sprintf("quota needs 0 <= files <= %d and bytes >= 0, got files %d, bytes %d", MaxQuotaFiles, q.Files, q.Bytes))
		case !q.On():
			bad = append(bad, "quota must limit files or bytes (or be left out)")
		}
		if q.Per != PerDay && q.Per != PerMonth {
			bad = append(bad, fmt.Sprintf("quota per must be %q or %q, got %q", PerDay, PerMonth, q.Per))
		}
	}
	if r != nil {
		if r.Signs < 1 || r.Signs > MaxRateSigns {
			bad = append(bad, fmt.Sprintf("rate signs must be between 1 and %d, got %d", MaxRateSigns, r.Signs))
		}
		if r.Per != PerSecond && r.Per != PerMinute && r.Per != PerHour {
			bad = append(bad, fmt.Sprintf("rate per must be %q, %q or %q, got %q", PerSecond, PerMinute, PerHour, r.Per))
		}
	}
	return bad
}
