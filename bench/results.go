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
