package records

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Limits are what one user may use of one profile. A zero Files, Bytes or
// Signs is no limit of that kind.
type Limits struct {
	// Files and Bytes bound the uploads of the period [PeriodStart,
	// PeriodEnd): records uploaded in it plus claims valid at the time of
	// the request (issued in it or before).
	Files       int
	Bytes       int64
	PeriodStart time.Time
	PeriodEnd   time.Time
	// Signs bounds the admitted calls in the rate window [RateStart,
	// RateEnd).
	Signs     int
	RateStart time.Time
	RateEnd   time.Time
}

// Claim is one ticket an admitted call hands out: it counts against the
// quota until it expires or its upload is recorded (then the record
// counts instead).
type Claim struct {
	Key     string    `json:"key"`     // the object key of the ticket
	Size    int64     `json:"size"`    // the exact size the ticket allows
	Expires time.Time `json:"expires"` // when the ticket stops being valid
}

// AdmitRequest asks to admit one call of User on Profile at At that hands
// out Claims.
type AdmitRequest struct {
	User, Profile string
	Claims        []Claim
	At            time.Time
	Limits        Limits
}

// Usage is what a user has used of a profile's limits.
type Usage struct {
	Files int   // records uploaded in the period and valid unrecorded claims issued in it
	Bytes int64 // their sizes
	Signs int   // calls admitted in the rate window
	// FreedAt is when the earliest of the counted claims expires (zero
	// when none is counted): if its ticket goes unused, room frees then.
	FreedAt time.Time
}

// What a Decision says was exceeded.
const (
	ExceededFiles = "files"
	ExceededBytes = "bytes"
	ExceededRate  = "rate"
	// ExceededBusy: concurrent calls of the same user and profile could
	// not be settled in time; the store refused rather than risk
	// admitting too many.
	ExceededBusy = "busy"
)

// Decision is the answer to an AdmitRequest.
type Decision struct {
	Admitted bool
	Exceeded string    // one of the Exceeded constants when refused
	RetryAt  time.Time // when a refused call may succeed, at the earliest
	Usage    Usage     // what was used before this call
}

// busyRetry is how soon a call refused as busy may try again.
const busyRetry = time.Second

// Decide admits req when, with what u counts, its claims stay within the
// files and bytes limits and one more call within the rate. It is the one
// statement of the quota rule; every store counts u its own way, then
// calls it.
func Decide(req AdmitRequest, u Usage) Decision {
	l := req.Limits
	var bytes int64
	for _, c := range req.Claims {
		bytes += c.Size
	}
	d := Decision{Usage: u}
	freed := l.PeriodEnd
	if !u.FreedAt.IsZero() && u.FreedAt.Before(freed) {
		freed = u.FreedAt
	}
	switch {
	case l.Signs > 0 && u.Signs+1 > l.Signs:
		d.Exceeded, d.RetryAt = ExceededRate, l.RateEnd
	case l.Files > 0 && u.Files+len(req.Claims) > l.Files:
		d.Exceeded, d.RetryAt = ExceededFiles, freed
	case l.Bytes > 0 && u.Bytes+bytes > l.Bytes:
		d.Exceeded, d.RetryAt = ExceededBytes, freed
		if bytes > l.Bytes {
			d.RetryAt = l.PeriodEnd // never fits; a new period is all there is
		}
	default:
		d.Admitted = true
	}
	return d
}

// Busy is the Decision of a store that could not settle a race in time.
func Busy(at time.Time, u Usage) Decision {
	return Decision{Exceeded: ExceededBusy, RetryAt: at.Add(busyRetry), Usage: u}
}

// InPeriod reports whether t is in the files and bytes period of l.
func (l Limits) InPeriod(t time.Time) bool {
	return !t.Before(l.PeriodStart) && t.Before(l.PeriodEnd)
}

// InRate reports whether t is in the rate window of l.
func (l Limits) InRate(t time.Time) bool {
	return !t.Before(l.RateStart) && t.Before(l.RateEnd)
}

// Counts reports whether r counts against l's files and bytes: uploaded
// in the period and not deleted.
func (l Limits) Counts(r Record) bool {
	return r.Status != StatusDeleted && l.InPeriod(r.UploadedAt)
}

// KeyHash returns the first 32 hex digits of SHA-256(key): how stores
// match a claim with the record of its upload without indexing a key of up
// to 1023 bytes.
func KeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// HeldClaim is a claim as a store keeps it: of which profile, issued when.
type HeldClaim struct {
	Claim
	Profile string    `json:"profile"`
	Issued  time.Time `json:"issued"`
}

// Stamp is an admitted call as a store keeps it for the rate.
type Stamp struct {
	Profile string    `json:"profile"`
	At      time.Time `json:"at"`
}

// MaxRateWindow is the longest rate window a profile may configure; stamps
// older than that count for no rate and may be dropped.
const MaxRateWindow = time.Hour

// Held is one user's quota state as the stores that keep it in memory
// (memstore, ossstore) hold it.
type Held struct {
	Claims []HeldClaim `json:"claims,omitempty"`
	Stamps []Stamp     `json:"stamps,omitempty"`
}

// Usage counts, from rs (the user's records) and h, what the user has used
// of req.Profile's limits at req.At (see Store.Usage).
func (h Held) Usage(rs []Record, req AdmitRequest) Usage {
	var u Usage
	l := req.Limits
	recorded := map[string]bool{}
	for _, r := range rs {
		recorded[r.Key] = true
		if r.Profile == req.Profile && l.Counts(r) {
			u.Files++
			u.Bytes += r.Size
		}
	}
	for _, c := range h.Claims {
		if c.Profile != req.Profile || recorded[c.Key] || !c.Expires.After(req.At) || !c.Issued.Before(l.PeriodEnd) {
			continue
		}
		u.Files++
		u.Bytes += c.Size
		if u.FreedAt.IsZero() || c.Expires.Before(u.FreedAt) {
			u.FreedAt = c.Expires
		}
	}
	for _, s := range h.Stamps {
		if s.Profile == req.Profile && l.InRate(s.At) {
			u.Signs++
		}
	}
	return u
}

// Release returns h without the claim of profile on key.
func (h Held) Release(profile, key string) Held {
	next := Held{Stamps: h.Stamps}
	for _, c := range h.Claims {
		if c.Profile != profile || c.Key != key {
			next.Claims = append(next.Claims, c)
		}
	}
	return next
}

// Admit decides req with decide against the usage rs and h count (see
// Driver.Admit) and returns the decision and the state after it: req's
// claims and stamp added when admitted, expired claims and stamps older
// than MaxRateWindow dropped.
func (h Held) Admit(rs []Record, req AdmitRequest, decide func(Usage) Decision) (Decision, Held) {
	d := decide(h.Usage(rs, req))
	next := Held{}
	held := map[string]bool{}
	for _, c := range h.Claims {
		if c.Expires.After(req.At) {
			next.Claims = append(next.Claims, c)
			held[c.Key] = true
		}
	}
	for _, s := range h.Stamps {
		if s.At.After(req.At.Add(-MaxRateWindow)) {
			next.Stamps = append(next.Stamps, s)
		}
	}
	if d.Admitted {
		for _, c := range req.Claims {
			if !held[c.Key] { // a key claimed again counts once
				next.Claims = append(next.Claims, HeldClaim{Claim: c, Profile: req.Profile, Issued: req.At})
			}
		}
		next.Stamps = append(next.Stamps, Stamp{Profile: req.Profile, At: req.At})
	}
	return d, next
}
