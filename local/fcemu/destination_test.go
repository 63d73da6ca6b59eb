package fcemu

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var _ Destination = (*Emulator)(nil) // another function can be a destination

// attemptLine is one invocation of the test function's "attempt" op.
type attemptLine struct {
	Retry     int    `json:"retry"`
	RequestID string `json:"requestId"`
	AtMs      int64  `json:"atMs"`
}

// catcher is a destination that keeps what it receives.
type catcher struct {
	mu   sync.Mutex
	got  []DestinationPayload
	raw  []string
	fail error
}

func (c *catcher) InvokeAsync(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	var p DestinationPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	c.got = append(c.got, p)
	c.raw = append(c.raw, string(b))
	return nil
}

func (c *catcher) payloads() []DestinationPayload {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]DestinationPayload(nil), c.got...)
}

// attempts sends one event of op (attempt unless given) failing until
// retry failUntil, drains, and returns the invocations it saw and the
// event it sent.
func attempts(t *testing.T, e *Emulator, op string, failUntil int) ([]attemptLine, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "attempts")
	ev, _ := json.Marshal(map[string]any{"op": op, "file": file, "failUntil": failUntil})
	if err := e.InvokeAsync(ev); err != nil {
		t.Fatalf("InvokeAsync: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return nil, string(ev)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []attemptLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l attemptLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, l)
	}
	return got, string(ev)
}

// TestAsyncDestinations checks what reaches onSuccess and onFailure: FC's
// destination payload with the original event, the request id every
// delivery carried, the invocation count and the condition.
func TestAsyncDestinations(t *testing.T) {
	tests := []struct {
		name        string
		op          string
		maxRetries  int
		failUntil   int
		wantInvokes int
		toFailure   bool
		condition   string
		response    string // a substring of responsePayload
	}{
		{"success on first try", "attempt", 0, 0, 1, false, ConditionNone, `{"retry":0}`},
		{"success on retry 2", "attempt", 0, 2, 3, false, ConditionNone, `{"retry":2}`},
		{"error after 3 retries (default)", "attempt", 0, 9, 4, true, ConditionHandledError, "failing until retry 9"},
		{"error with retries 0", "attempt", -1, 9, 1, true, ConditionHandledError, "failing until retry 9"},
		{"error with retries 8", "attempt", 8, 9, 9, true, ConditionHandledError, "failing until retry 9"},
		{"crash", "exit", 1, 0, 2, true, ConditionUnhandledError, "exited during the invocation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, failed := &catcher{}, &catcher{}
			e := start(t, Config{Name: "fn-under-test", Region: "cn-shanghai", AccountID: "42", Async: AsyncConfig{
				MaxRetries: tt.maxRetries, RetryBase: time.Millisecond, OnSuccess: ok, OnFailure: failed}})
			lines, ev := attempts(t, e, tt.op, tt.failUntil)
			if tt.op == "attempt" && len(lines) != tt.wantInvokes {
				t.Fatalf("%d invocations, want %d: %+v", len(lines), tt.wantInvokes, lines)
			}
			for i, l := range lines {
				if l.Retry != i || l.RequestID != lines[0].RequestID {
					t.Errorf("invocation %d: retry %d, request id %q; want retry %d and the first's id %q", i, l.Retry, l.RequestID, i, lines[0].RequestID)
				}
			}
			dest, other := ok, failed
			if tt.toFailure {
				dest, other = failed, ok
			}
			if n := len(other.payloads()); n != 0 {
				t.Errorf("the other destination got %d payloads", n)
			}
			got := dest.payloads()
			if len(got) != 1 {
				t.Fatalf("destination got %d payloads, want 1", len(got))
			}
			p := got[0]
			if !strings.Contains(p.ResponsePayload, tt.response) {
				t.Errorf("responsePayload %q does not contain %q", p.ResponsePayload, tt.response)
			}
			if len(lines) > 0 && p.RequestContext.RequestID != lines[0].RequestID {
				t.Errorf("requestId %q, want the deliveries' %q", p.RequestContext.RequestID, lines[0].RequestID)
			}
			if _, err := time.Parse("2006-01-02T15:04:05.000Z", p.Timestamp); err != nil {
				t.Errorf("timestamp: %v", err)
			}
			p.ResponsePayload, p.Timestamp, p.RequestContext.RequestID = "", "", ""
			want := DestinationPayload{
				RequestContext: DestinationRequest{FunctionArn: "acs:fc:cn-shanghai:42:functions/fn-under-test",
					Condition: tt.condition, ApproximateInvokeCount: tt.wantInvokes},
				RequestPayload:  ev,
				ResponseContext: DestinationResponse{StatusCode: 200, FunctionError: tt.condition},
			}
			if d := cmp.Diff(want, p); d != "" {
				t.Errorf("payload (-want +got):\n%s", d)
			}
			s := e.AsyncStats()
			if s.Destined != 1 || s.Pending != 0 || (s.Failed == 1) != tt.toFailure {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestAsyncBackoff checks that retry delays start at RetryBase and double.
func TestAsyncBackoff(t *testing.T) {
	const base = 60 * time.Millisecond
	e := start(t, Config{Async: AsyncConfig{RetryBase: base}})
	lines, _ := attempts(t, e, "attempt", 3)
	if len(lines) != 4 {
		t.Fatalf("%d invocations, want 4", len(lines))
	}
	for i := 1; i < len(lines); i++ {
		gap := time.Duration(lines[i].AtMs-lines[i-1].AtMs) * time.Millisecond
		want := base << (i - 1)
		// At least the delay; at most the delay plus scheduling slack.
		if gap < want-2*time.Millisecond || gap > want+400*time.Millisecond {
			t.Errorf("retry %d came %s after the previous invocation, want about %s", i, gap, want)
		}
	}
}

// TestAsyncMaxEventAge checks that an event is not retried past its age
// and goes to onFailure with the age condition.
func TestAsyncMaxEventAge(t *testing.T) {
	failed := &catcher{}
	e := start(t, Config{Async: AsyncConfig{MaxRetries: 8, MaxEventAge: 100 * time.Millisecond,
		RetryBase: 80 * time.Millisecond, OnFailure: failed}})
	lines, _ := attempts(t, e, "attempt", 9)
	// Invocations at about 0, 80 ms; the next would be at 240 ms, past 100 ms.
	if len(lines) != 2 {
		t.Errorf("%d invocations, want 2 (the event is 240 ms old at the third)", len(lines))
	}
	got := failed.payloads()
	if len(got) != 1 || got[0].RequestContext.Condition != ConditionEventAgeExceeded || got[0].RequestContext.ApproximateInvokeCount != len(lines) {
		t.Fatalf("onFailure got %+v", got)
	}
	if s := e.AsyncStats(); s.Failed != 1 || s.Expired != 1 || s.Retried != 2 {
		t.Errorf("stats %+v, want 1 failed, 1 expired, 2 retried", s)
	}
}

// TestAsyncDestinationRefuses checks that a destination that refuses is
// counted, not retried forever.
func TestAsyncDestinationRefuses(t *testing.T) {
	failed := &catcher{fail: ErrQueueFull}
	e := start(t, Config{Async: AsyncConfig{MaxRetries: -1, OnFailure: failed}})
	attempts(t, e, "attempt", 1)
	if s := e.AsyncStats(); s.Failed != 1 || s.Undestined != 1 || s.Destined != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestReadFC3Async(t *testing.T) {
	const project = `
edition: 3.0.0
resources:
  fn:
    component: fc3
    props:
      functionName: fn
      asyncInvokeConfig:
        maxAsyncRetryAttempts: %s
        maxAsyncEventAgeInSeconds: %s
        destinationConfig:
          onFailure:
            destination: acs:fc:${vars.region}:${config('AccountID')}:functions/dead-letter
  plain:
    component: fc3
    props:
      functionName: plain
`
	tests := []struct {
		name, retries, age string
		want               AsyncConfig
		err                string
	}{
		{"retries 0 is none", "0", "3600", AsyncConfig{MaxRetries: -1, MaxEventAge: time.Hour}, ""},
		{"retries 8", "8", "1", AsyncConfig{MaxRetries: 8, MaxEventAge: time.Second}, ""},
		{"retries 9", "9", "60", AsyncConfig{}, "want 0 to 8"},
		{"retries -1", "-1", "60", AsyncConfig{}, "want 0 to 8"},
		{"age 0", "3", "0", AsyncConfig{}, "want 1 to 2592000"},
		{"age too long", "3", "2592001", AsyncConfig{}, "want 1 to 2592000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(project, "%s", tt.retries, 1), "%s", tt.age, 1)
			f, ok, err := ReadFC3Async([]byte(src), "fn")
			if err != nil || !ok {
				t.Fatalf("ReadFC3Async: %v, %v", ok, err)
			}
			var c AsyncConfig
			err = f.Apply(&c)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Apply: %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil || c.MaxRetries != tt.want.MaxRetries || c.MaxEventAge != tt.want.MaxEventAge {
				t.Fatalf("Apply: %v, %+v; want %+v", err, c, tt.want)
			}
			name, err := FunctionOf(f.DestinationConfig.OnFailure.Destination)
			if err != nil || name != "dead-letter" {
				t.Errorf("FunctionOf: %q, %v", name, err)
			}
		})
	}
	valid := strings.ReplaceAll(project, "%s", "3")
	if _, ok, err := ReadFC3Async([]byte(valid), "plain"); ok || err != nil {
		t.Errorf("plain: %v, %v; want no config", ok, err)
	}
	if _, _, err := ReadFC3Async([]byte(valid), "missing"); err == nil {
		t.Error("a missing resource: no error")
	}
}

func TestFunctionOf(t *testing.T) {
	tests := []struct{ arn, want string }{
		{"acs:fc:cn-hangzhou:123:functions/dl", "dl"},
		{"acs:fc:cn-hangzhou:123:functions/dl/LATEST", "dl"},
		{"acs:fc:cn-hangzhou:123:functions/dl:prod", "dl"},
		{"acs:mns:cn-hangzhou:123:/queues/q/messages", ""},
		{"acs:fc:cn-hangzhou:123:functions/", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := FunctionOf(tt.arn)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("FunctionOf(%q) = %q, %v; want %q", tt.arn, got, err, tt.want)
		}
	}
}
