package fcemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/internal/testutil"
)

type ctxInfo struct {
	RequestID   string `json:"requestId"`
	AccessKeyID string `json:"accessKeyId"`
	Secret      string `json:"secret"`
	Token       string `json:"token"`
	Region      string `json:"region"`
	AccountID   string `json:"accountId"`
	RetryCount  int    `json:"retryCount"`
	Function    struct {
		Name, Handler, Memory string
		Timeout               int
	} `json:"function"`
	Qualifier  string `json:"qualifier"`
	DeadlineMs int64  `json:"deadlineMs"`
	Env        string `json:"env"`
	FCName     string `json:"fcName"`
	PID        int    `json:"pid"`
}

func invokeCtx(t *testing.T, e *Emulator) (Result, ctxInfo) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := e.Invoke(ctx, []byte(`{"op":"ctx"}`))
	if err != nil {
		t.Fatalf("Invoke(ctx): %v", err)
	}
	var got ctxInfo
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatalf("result %q: %v", res.Payload, err)
	}
	return res, got
}

func TestInvokeContext(t *testing.T) {
	var n atomic.Int32
	var mu sync.Mutex
	var issued []Credential
	logs := &testutil.SyncBuffer{}
	e := start(t, Config{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Name:   "ctxfn", Env: []string{"FN_TEST_ENV=hello"}, Timeout: 7 * time.Second,
		MemoryMB: 256, Region: "cn-shanghai", AccountID: "42",
		Credentials: func() Credential {
			i := n.Add(1)
			c := Credential{AccessKeyID: fmt.Sprintf("STS.test%d", i), AccessKeySecret: fmt.Sprintf("fake-secret-%d", i), SecurityToken: fmt.Sprintf("fake-token-%d", i)}
			mu.Lock()
			issued = append(issued, c)
			mu.Unlock()
			return c
		},
	})
	for i := range 2 {
		t.Run(fmt.Sprintf("invocation%d", i), func(t *testing.T) {
			before := time.Now()
			res, got := invokeCtx(t, e)
			mu.Lock()
			cred := issued[len(issued)-1]
			mu.Unlock()
			want := ctxInfo{RequestID: res.RequestID, AccessKeyID: cred.AccessKeyID, Secret: cred.AccessKeySecret,
				Token: cred.SecurityToken, Region: "cn-shanghai", AccountID: "42", Qualifier: "LATEST",
				Env: "hello", FCName: "ctxfn", DeadlineMs: got.DeadlineMs, PID: got.PID}
			want.Function.Name, want.Function.Handler, want.Function.Memory, want.Function.Timeout = "ctxfn", "bootstrap", "256", 7
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("context (-want +got):\n%s", d)
			}
			lo, hi := before.Add(7*time.Second).UnixMilli(), time.Now().Add(7*time.Second).UnixMilli()
			if got.DeadlineMs < lo || got.DeadlineMs > hi {
				t.Errorf("deadline %d, want within [%d, %d]", got.DeadlineMs, lo, hi)
			}
		})
	}
	if got := n.Load(); got != 2 {
		t.Errorf("credentials minted %d times, want 2 (one per invocation)", got)
	}
	e.Close() // flush the function's output
	for _, c := range issued {
		for name, text := range map[string]string{"emulator log": logs.String(), "function output": e.out.w.(*testutil.SyncBuffer).String()} {
			if strings.Contains(text, c.AccessKeySecret) || strings.Contains(text, c.SecurityToken) {
				t.Errorf("%s holds a secret or token", name)
			}
		}
	}
}

func TestInvokeFailures(t *testing.T) {
	e := start(t, Config{Timeout: time.Second, RestartBackoff: 10 * time.Millisecond})
	tests := []struct {
		name    string
		payload string
		want    error
	}{
		{"error", `{"op":"error"}`, &FunctionError{}},
		{"panic", `{"op":"panic"}`, &FunctionError{}},
		{"timeout", `{"op":"sleep","ms":5000}`, ErrTimeout},
		{"exit", `{"op":"exit"}`, ErrCrashed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			_, err := e.Invoke(ctx, []byte(tt.payload))
			var fe *FunctionError
			if _, isFE := tt.want.(*FunctionError); isFE && !errors.As(err, &fe) || !isFE && !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %T %v", err, tt.want, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s, want well under 5s", d)
			}
			// The instance (restarted if it died) serves the next invocation.
			invokeCtx(t, e)
		})
	}
	if got := e.Restarts(); got < 2 {
		t.Errorf("got %d restarts, want >= 2 (timeout and exit)", got)
	}
}

func TestConcurrencyOnePerInstance(t *testing.T) {
	const instances, calls = 3, 12
	e := start(t, Config{Instances: instances, Timeout: 10 * time.Second})
	type out struct {
		PID        int `json:"pid"`
		Concurrent int `json:"concurrent"`
	}
	results := make([]out, calls)
	errs := make([]error, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := e.Invoke(ctx, []byte(`{"op":"sleep","ms":100}`))
			if err == nil {
				err = json.Unmarshal(res.Payload, &results[i])
			}
			errs[i] = err
		})
	}
	wg.Wait()
	pids := map[int]int{}
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if r.Concurrent != 1 {
			t.Errorf("call %d ran with %d invocations in its process, want 1", i, r.Concurrent)
		}
		pids[r.PID]++
	}
	if len(pids) != instances {
		t.Errorf("calls ran in %d processes, want %d: %v", len(pids), instances, pids)
	}
}

func TestCloseKillsProcesses(t *testing.T) {
	e := start(t, Config{Instances: 2})
	pids := map[int]bool{}
	for range 6 {
		_, info := invokeCtx(t, e)
		pids[info.PID] = true
	}
	done := make(chan struct{})
	go func() { e.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return within 10s")
	}
	for pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d after Close: kill(0) = %v, want ESRCH", pid, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := e.Invoke(ctx, []byte(`{"op":"ctx"}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke after Close: got %v, want ErrClosed", err)
	}
}

func TestStartFailsFastOnBrokenBinary(t *testing.T) {
	dir := t.TempDir()
	if err := writeExec(dir+"/bootstrap", "#!/bin/sh\necho cannot start >&2\nexit 1\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	e, err := Start(Config{CodeDir: dir, StartTimeout: 10 * time.Second})
	if err == nil {
		e.Close()
		t.Fatal("Start succeeded, want an error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Start took %s to fail, want well under 5s", d)
	}
}

// TestIdleInstancesDoNotSpin checks the long poll: an idle instance holds one
// next request open instead of polling again, and an invocation costs one
// more poll per delivered invocation at most.
func TestIdleInstancesDoNotSpin(t *testing.T) {
	const instances = 2
	e := start(t, Config{Instances: instances})
	time.Sleep(300 * time.Millisecond)
	if got := e.polls.Load(); got > instances {
		t.Errorf("idle: got %d next requests, want at most %d (one open poll per instance)", got, instances)
	}
	before := e.polls.Load()
	for range 5 {
		invokeCtx(t, e)
	}
	time.Sleep(100 * time.Millisecond)
	if got := e.polls.Load() - before; got > 5 {
		t.Errorf("after 5 invocations: got %d more next requests, want at most 5", got)
	}
}
