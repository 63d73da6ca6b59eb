package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseGoBench(t *testing.T) {
	out := []byte("goos: linux\nBenchmarkSign-2   \t  500000\t      2345 ns/op\t     1234 B/op\t      12 allocs/op\n" +
		"BenchmarkSign-2   \t  500000\t      9999 ns/op\t     1234 B/op\t      12 allocs/op\n" +
		"BenchmarkSign-2   \t  500000\t      1111 ns/op\t     1234 B/op\t      12 allocs/op\n" +
		"BenchmarkHMACFloor \t 1000000\t 1000.5 ns/op\nPASS\n")
	got := ParseGoBench(out)
	want := map[string]GoBench{
		"BenchmarkSign":      {NsPerOp: 2345, BytesPerOp: 1234, AllocsPerOp: 12},
		"BenchmarkHMACFloor": {NsPerOp: 1000.5},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseGoBench mismatch (-want +got):\n%s", d)
	}
}

// TestWriteReport renders a report to a file: the date, the table and the
// bad-inputs table are in it.
func TestWriteReport(t *testing.T) {
	r := &Results{Date: "2026-11-25T13:00:00Z", Machine: Machine{NProc: 2}, Command: "make bench"}
	r.Add(Targeted(Figure{What: "cold start", Value: 8.1, Unit: "ms"}, "≤ 30 ms", true))
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	if err := WriteReport(path, r, "| input | tried | answered by | outcome |\n"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Benchmark results", "Measured 2026-11-25 on 2 cores", "| cold start | 8.10 ms | ≤ 30 ms | yes |", "## Bad inputs", "| input | tried | answered by | outcome |"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report lacks %q:\n%s", want, b)
		}
	}
}

// TestMakeBenchLeavesReadme reads the Makefile's bench recipe: it writes the
// report and results.json, and never names README.md.
func TestMakeBenchLeavesReadme(t *testing.T) {
	b, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	_, recipe, ok := strings.Cut(string(b), "\nbench:")
	if !ok {
		t.Fatal("Makefile: no bench target")
	}
	if i := strings.Index(recipe, "\n\n"); i >= 0 {
		recipe = recipe[:i]
	}
	if strings.Contains(recipe, "README") || !strings.Contains(recipe, "-report "+ReportPath) || !strings.Contains(recipe, "-out bench/results.json") {
		t.Errorf("bench recipe %q: want it to write %s and bench/results.json and leave README.md alone", recipe, ReportPath)
	}
}

func TestMarkdownMarksMissedTargets(t *testing.T) {
	r := Results{Date: "2026-11-25T13:00:00Z", Machine: Machine{NProc: 2}, Command: "make bench"}
	r.Add(Targeted(Figure{What: "cold start", Value: 42, Unit: "ms"}, "≤ 30 ms", false))
	r.Add(Targeted(Figure{What: "binary", Value: 9.5, Unit: "MB"}, "≤ 15 MB", true))
	md := r.Markdown()
	for _, want := range []string{"| cold start | 42.0 ms | ≤ 30 ms | **no** |", "| binary | 9.50 MB | ≤ 15 MB | yes |"} {
		if !strings.Contains(md, want) {
			t.Errorf("got table\n%s\nwant a row %q", md, want)
		}
	}
}

func TestProcStatusKB(t *testing.T) {
	// The test process itself has a resident set.
	got, err := ProcStatusKB(os.Getpid(), "VmHWM")
	if err != nil {
		t.Fatalf("got error %v, want VmHWM", err)
	}
	if got <= 0 {
		t.Errorf("got VmHWM %d kB, want > 0", got)
	}
	if _, err := ProcStatusKB(os.Getpid(), "NoSuchField"); err == nil {
		t.Error("got no error for a missing field, want one")
	}
}

// allowed returns the distinct Cpus_allowed_list values of this process's
// threads.
func allowed(t *testing.T) map[string]bool {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range ents {
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
				got[strings.TrimSpace(v)] = true
			}
		}
	}
	return got
}

func TestPinSelf(t *testing.T) {
	if NumCPU() < 2 {
		t.Skip("needs 2 CPUs")
	}
	if err := PinSelf(0); err != nil {
		t.Fatal(err)
	}
	if got := allowed(t); len(got) != 1 || !got["0"] {
		t.Errorf("after PinSelf(0): got thread affinities %v, want only \"0\"", got)
	}
	if err := PinSelf(); err != nil {
		t.Fatal(err)
	}
	if got := allowed(t); got["0"] {
		t.Errorf("after PinSelf(): got thread affinities %v, want every CPU", got)
	}
}

func TestMarkdownCalibration(t *testing.T) {
	tests := []struct {
		name    string
		figures []Figure
		want    string // substring; "" means no calibration line at all
	}{
		{"floor measured", []Figure{{ID: "hmac_floor_ns", Value: 3240}}, "floor measured 3240 ns, 1.62× that, so they read as ≈ 32.4 µs and ≈ 4.86 µs"},
		{"no floor", []Figure{{ID: "signer_ns", Value: 5000}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Results{Date: "2026-11-25T00:00:00Z", Figures: tt.figures}
			got := r.Markdown()
			if tt.want == "" {
				if strings.Contains(got, "Calibration") {
					t.Fatalf("got a calibration line without a floor:\n%s", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Fatalf("markdown lacks %q:\n%s", tt.want, got)
			}
		})
	}
}

func TestStoresTable(t *testing.T) {
	r := &Results{}
	if got := r.StoresTable(); !strings.Contains(got, "Not measured") {
		t.Errorf("without the records phase: got %q, want a note", got)
	}
	r.Add(Figure{ID: "records_oss_requests_per_record_oss", Value: 2, Note: "per record: GetObject 1.00 PutObject 1.00; measured 2026-11-30 by -phases records"})
	r.Add(Figure{ID: "uploads_first_page_oss_requests_oss", Value: 7, Note: "GetObject 5, ListObjects 1, PutObject 1"})
	r.Add(Figure{ID: "uploads_page_oss_requests_oss", Value: 2})
	r.Add(Figure{ID: "uploads_page_p50_oss", Value: 4.5})
	got := r.StoresTable()
	want := "| OSS (default) | 2.00 (GetObject 1.00 PutObject 1.00) | 7.00 (GetObject 5, ListObjects 1, PutObject 1) | 2.00 | 4.50 ms |  |"
	if !strings.Contains(got, want) || strings.Contains(got, "MariaDB |") {
		t.Errorf("got:\n%s\nwant the row %q and no other", got, want)
	}
}

func TestSumInitTrace(t *testing.T) {
	out := "init internal/bytealg @0.004 ms, 0.004 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/ossgate/ossgate/function/config @49 ms, 0.58 ms clock, 33592 bytes, 459 allocs\n" +
		"{\"level\":\"ERROR\",\"msg\":\"ossgate: cannot start\"}\n" +
		"init runtime @6.9 ms, 1.5 ms clock, 0 bytes, 0 allocs\n"
	type trace struct {
		Sum   time.Duration
		Lines int
	}
	sum, n := SumInitTrace(out)
	if d := cmp.Diff(trace{2084 * time.Microsecond, 3}, trace{sum, n}); d != "" {
		t.Errorf("SumInitTrace (-want +got):\n%s", d)
	}
}

// TestColdRatioPrograms runs the two programs the cold phase times: the
// hello-world binary prints its line, and the function binary's package
// init is traced.
func TestColdRatioPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	dir := t.TempDir()
	hello, err := BuildHello(t.Context(), filepath.Join(dir, "hello"))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := execToFirstLine(t.Context(), hello); err != nil {
		t.Errorf("execToFirstLine(hello): %v", err)
	} else if d <= 0 {
		t.Errorf("execToFirstLine(hello): got %v, want a duration", d)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	code := filepath.Join(dir, "code")
	if err := BuildCode(t.Context(), root, code); err != nil {
		t.Fatal(err)
	}
	d, err := PackageInit(t.Context(), filepath.Join(code, "ossgate"))
	if err != nil {
		t.Fatalf("PackageInit: %v", err)
	}
	if d <= 0 {
		t.Errorf("PackageInit: got %v, want a duration", d)
	}
	t.Logf("package init of ossgate: %v", d)
}
