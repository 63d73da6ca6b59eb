package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Figure is one measured number with what it is compared against.
type Figure struct {
	ID      string  `json:"id"`
	What    string  `json:"what"`
	Value   float64 `json:"value"`
	Unit    string  `json:"unit"`
	Target  string  `json:"target,omitempty"` // human form, e.g. "≤ 30 ms"
	Met     *bool   `json:"met,omitempty"`    // nil when the figure has no target
	Command string  `json:"command"`
	Note    string  `json:"note,omitempty"`
}

// Results is the content of bench/results.json.
type Results struct {
	Date    string            `json:"date"` // RFC 3339, UTC
	Machine Machine           `json:"machine"`
	Command string            `json:"command"`
	Figures []Figure          `json:"figures"`
	Loads   map[string]any    `json:"loads,omitempty"` // raw attack results by name
	Skipped map[string]string `json:"skipped,omitempty"`
}

// Add appends a figure.
func (r *Results) Add(f Figure) { r.Figures = append(r.Figures, f) }

// Targeted returns a figure whose Met is set from ok.
func Targeted(f Figure, target string, ok bool) Figure {
	f.Target, f.Met = target, &ok
	return f
}

// WriteJSON writes r, indented, to path.
func (r *Results) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// Markdown renders r as the table of bench/RESULTS.md.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %d cores (%s), %s, Node %s, load average at start/end %s, by `%s`; every figure's own command is in `bench/results.json`.\n\n",
		r.Date[:10], r.Machine.NProc, r.Machine.CPU, r.Machine.Go, r.Machine.Node, strings.Join(r.Machine.LoadAvg, " / "), r.Command)
	b.WriteString("| figure | value | target | met |\n|---|---|---|---|\n")
	for _, f := range r.Figures {
		met := ""
		if f.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*f.Met]
		}
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s |\n", f.What, num(f.Value), f.Unit, f.Target, met)
	}
	b.WriteString(r.calibration())
	for k, v := range r.Skipped {
		fmt.Fprintf(&b, "\nNot measured: %s (%s).\n", k, v)
	}
	return b.String()
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1 || v == 0:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// issueFloorNs is the HMAC floor of the machine the absolute targets were
// set for: about 2 µs.
const issueFloorNs = 2000

// calibration relates the absolute µs targets to this machine: the HMAC
// floor measures its raw speed, so a target of T µs set where the floor is
// 2 µs reads as T × floor/2 µs here. Ratios need no such scaling. It is ""
// when the floor was not measured.
func (r *Results) calibration() string {
	floor, ok := r.figure("hmac_floor_ns")
	if !ok || floor.Value <= 0 {
		return ""
	}
	scale := floor.Value / issueFloorNs
	return fmt.Sprintf("\nCalibration: the absolute targets (handler core ≤ 20 µs, signer ≈ 3 µs) were set on a machine whose HMAC floor "+
		"is about 2 µs; here the floor measured %s ns, %s× that, so they read as ≈ %s µs and ≈ %s µs on this machine. "+
		"The ratio targets need no scaling.\n", num(floor.Value), num(scale), num(20*scale), num(3*scale))
}

// figure returns the figure with the given ID.
func (r *Results) figure(id string) (Figure, bool) {
	for _, f := range r.Figures {
		if f.ID == id {
			return f, true
		}
	}
	return Figure{}, false
}

// StoresTable renders the records phase's figures side by side, a row per
// record store: what a record costs the record function in OSS requests,
// what a page of GET /uploads costs the sign function (the first after the
// uploads, then every one after), and its latency. It is a note when the
// phase did not run.
func (r *Results) StoresTable() string {
	var b strings.Builder
	b.WriteString("What each record store costs, from the `records` phase of `ossgate-bench` (100 uploads of one user through the " +
		"whole stack, then 60 pages of 20 records; OSS requests counted by the local OSS endpoint itself). The record function " +
		"reads each upload with one ranged GET (If-Match on the event's ETag); the OSS store adds one conditional " +
		"PUT (claim and record at once), the SQL stores one INSERT and no OSS request. The first page after new records folds them into the user's index (OSS store).\n\n")
	b.WriteString("| store | OSS requests per record | first page after the uploads | OSS requests per page | page p50 | page p90 |\n|---|---|---|---|---|---|\n")
	rows := 0
	for _, s := range []struct{ id, label string }{{"oss", "OSS (default)"}, {"mariadb", "MariaDB"}, {"postgres", "PostgreSQL"}} {
		rec, ok := r.figure("records_oss_requests_per_record_" + s.id)
		if !ok {
			continue
		}
		rows++
		cell := func(id, unit string) string {
			f, ok := r.figure(id + s.id)
			if !ok {
				return ""
			}
			return num(f.Value) + unit
		}
		first, _ := r.figure("uploads_first_page_oss_requests_" + s.id)
		recNote, firstNote := ownNote(strings.TrimPrefix(rec.Note, "per record: ")), ownNote(first.Note)
		if firstNote == "" {
			firstNote = "none"
		}
		fmt.Fprintf(&b, "| %s | %s (%s) | %s (%s) | %s | %s | %s |\n", s.label, num(rec.Value), recNote,
			num(first.Value), firstNote, cell("uploads_page_oss_requests_", ""), cell("uploads_page_p50_", " ms"), cell("uploads_page_p90_", " ms"))
	}
	if rows == 0 {
		return "Not measured in this run (`go run ./bench/cmd/ossgate-bench -phases records -merge` adds it).\n"
	}
	return b.String()
}

// ownNote is a figure's note without what -merge added ("measured <date>
// by -phases ...").
func ownNote(n string) string {
	if i := strings.Index(n, "measured "); i >= 0 {
		n = strings.TrimSuffix(strings.TrimSpace(n[:i]), ";")
	}
	return n
}
