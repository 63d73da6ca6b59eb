package fcemu

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type delivery struct {
	Seq   int `json:"seq"`
	Retry int `json:"retry"`
}

// sendRecords queues n record events (seq 0..n-1) writing to file, drains
// the queue and returns the deliveries in the order they were recorded.
func sendRecords(t *testing.T, e *Emulator, n, failUntil int) []delivery {
	t.Helper()
	file := filepath.Join(t.TempDir(), "deliveries")
	for i := range n {
		ev, _ := json.Marshal(map[string]any{"op": "record", "seq": i, "file": file, "failUntil": failUntil})
		if err := e.InvokeAsync(ev); err != nil {
			t.Fatalf("InvokeAsync: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []delivery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d delivery
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, d)
	}
	return got
}

func TestAsyncRetries(t *testing.T) {
	tests := []struct {
		name      string
		failUntil int
		want      []delivery
		wantStats AsyncStats
	}{
		{"first try", 0, []delivery{{0, 0}}, AsyncStats{Accepted: 1, Delivered: 1}},
		{"succeeds on retry 2", 2, []delivery{{0, 2}}, AsyncStats{Accepted: 1, Delivered: 1, Retried: 2}},
		{"gives up after 3 retries", 4, nil, AsyncStats{Accepted: 1, Retried: 3, Failed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, Config{Async: AsyncConfig{RetryBase: 5 * time.Millisecond}})
			got := sendRecords(t, e, 1, tt.failUntil)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("deliveries (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantStats, e.AsyncStats()); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
		})
	}
}

func TestAsyncDuplicate(t *testing.T) {
	e := start(t, Config{Instances: 2, Async: AsyncConfig{Duplicate: true}})
	got := sendRecords(t, e, 5, 0)
	count := map[int]int{}
	for _, d := range got {
		count[d.Seq]++
	}
	for i := range 5 {
		if count[i] != 2 {
			t.Errorf("event %d delivered %d times, want 2", i, count[i])
		}
	}
	if s := e.AsyncStats(); s.Delivered != 10 {
		t.Errorf("got %d deliveries, want 10", s.Delivered)
	}
}

func TestAsyncReorder(t *testing.T) {
	const n = 10
	tests := []struct {
		name     string
		window   int
		reorders bool
	}{
		{"in order", 0, false},
		{"shuffled window", n, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, Config{Async: AsyncConfig{Workers: 1, ReorderWindow: tt.window, Seed: 7}})
			var seqs []int
			for _, d := range sendRecords(t, e, n, 0) {
				seqs = append(seqs, d.Seq)
			}
			sorted := slices.Sorted(slices.Values(seqs))
			if want := fmt.Sprint(seqsUpTo(n)); fmt.Sprint(sorted) != want {
				t.Fatalf("delivered %v, want a permutation of %s", seqs, want)
			}
			if reordered := !slices.IsSorted(seqs); reordered != tt.reorders {
				t.Errorf("delivery order %v: reordered %v, want %v", seqs, reordered, tt.reorders)
			}
		})
	}
}

func seqsUpTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestAsyncQueueFull(t *testing.T) {
	e := start(t, Config{Async: AsyncConfig{QueueSize: 1, ReorderWindow: 5, ReorderDelay: time.Minute}})
	if err := e.InvokeAsync([]byte(`{"op":"sleep"}`)); err != nil {
		t.Fatalf("first event: %v", err)
	}
	if err := e.InvokeAsync([]byte(`{"op":"sleep"}`)); err != ErrQueueFull {
		t.Errorf("second event: got %v, want ErrQueueFull", err)
	}
}
