package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/local/ossemu"
)

// Fixtures: obviously fake credentials, one bucket, one region.
const (
	region     = "cn-hangzhou"
	bucket     = "ossgate-test"
	stsAK      = "STS.MATRIX-AK"
	stsSecret  = "matrix-secret-not-real"
	stsToken   = "matrix-token-not-real"
	expiredAK  = "STS.MATRIX-EXPIRED"
	unknownAK  = "LTAI-MATRIX-UNKNOWN"
	wrongToken = "not-the-token"
)

// column is one client configuration of the matrix.
type column struct {
	name   string // e.g. "ali-oss/v4/vhost"
	client string // the client and version, for the summary
	prefix string // every key the column writes starts with it
}

func newColumn(name, client string) column {
	return column{name: name, client: client, prefix: "m/" + strings.ReplaceAll(name, "/", "-") + "/"}
}

// cell is one client's result for one row.
type cell struct {
	Facts  facts  `json:"facts"`
	Cannot string `json:"cannot"`
	Error  string `json:"error"`
}

// errCannot is what a Go driver returns for a row its client cannot express.
type errCannot string

func (e errCannot) Error() string { return string(e) }

// offsetClock is the server's clock: real time plus an offset a test may
// change (to emulate a client clock that is off, or URLs that expired).
type offsetClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

// shift moves the clock by d until the returned function is called.
func (c *offsetClock) shift(d time.Duration) (restore func()) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.d -= d
		c.mu.Unlock()
	}
}

// env is one ossemu server on 127.0.0.1 with the matrix credentials and a
// trigger that records every event.
type env struct {
	srv    *ossemu.Server
	url    string
	clock  *offsetClock
	mu     sync.Mutex
	events []ossemu.EventRecord
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{clock: &offsetClock{}}
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: region, Buckets: []string{bucket}, MaxObjectSize: 16 << 20, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddCredential(ossemu.Credential{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken, Expires: time.Now().Add(time.Hour)})
	srv.AddCredential(ossemu.Credential{AccessKeyID: expiredAK, AccessKeySecret: stsSecret, SecurityToken: stsToken, Expires: time.Now().Add(-time.Minute)})
	srv.AddTrigger(bucket, ossemu.Trigger{Events: []string{"ObjectCreated:*"}, Deliver: e.deliver})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	e.srv, e.url = srv, hs.URL
	return e
}

func (e *env) deliver(_ context.Context, body []byte) error {
	var ev ossemu.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, ev.Events...)
	return nil
}

// eventFacts waits for pending deliveries and renders the first event of
// each key eventsRow names, under the column's prefix.
func (e *env) eventFacts(col column) cell {
	for deadline := time.Now().Add(10 * time.Second); e.srv.PendingDeliveries() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	got := facts{}
	for key := range eventsRow.want {
		got[key] = "none"
		for _, ev := range e.events {
			if o := ev.OSS.Object; o.Key == col.prefix+key {
				got[key] = fmt.Sprintf("%s %d %s", ev.EventName, o.Size, o.ETag)
				break
			}
		}
	}
	return cell{Facts: got}
}

// summary collects every cell for the matrix table the test prints (and
// writes to $OSSGATE_MATRIX_MD when set).
type summary struct {
	mu      sync.Mutex
	columns []column
	cells   map[string]map[string]cell
}

func (s *summary) add(col column, id string, c cell) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cells[col.name] == nil {
		s.cells[col.name] = map[string]cell{}
		s.columns = append(s.columns, col)
	}
	s.cells[col.name][id] = c
}

// check compares one cell with its row and records it.
func (s *summary) check(t *testing.T, col column, r row, c cell) {
	t.Helper()
	s.add(col, r.id, c)
	declared := slices.Contains(r.cannot, col.name)
	switch {
	case c.Error != "":
		t.Errorf("%s: %s failed: %s", col.name, r.id, c.Error)
	case c.Cannot != "" && !declared:
		t.Errorf("%s says it cannot express %s (%s), but the table does not mark that cell", col.name, r.id, c.Cannot)
	case c.Cannot != "":
		t.Logf("%s cannot express %s: %s", col.name, r.id, c.Cannot)
	case declared:
		t.Errorf("the table marks %s as unable to express %s, but it ran it", col.name, r.id)
	default:
		if diff := cmp.Diff(r.want, c.Facts); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", col.name, r.id, diff)
		}
	}
}

// markdown renders the matrix: a row per operation, a column per client.
func (s *summary) markdown() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.SortFunc(s.columns, func(a, b column) int { return strings.Compare(a.name, b.name) })
	var b strings.Builder
	b.WriteString("| operation |")
	for _, c := range s.columns {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(s.columns)) + "\n")
	var notes []string
	for _, r := range append(slices.Clone(rows), eventsRow) {
		b.WriteString("| " + r.id + " |")
		for _, c := range s.columns {
			cl, ok := s.cells[c.name][r.id]
			switch {
			case !ok:
				b.WriteString(" not run |")
			case cl.Cannot != "":
				notes = append(notes, fmt.Sprintf("%s × %s: %s", c.name, r.id, cl.Cannot))
				fmt.Fprintf(&b, " cannot express (%d) |", len(notes))
			case cl.Error != "" || !cmp.Equal(r.want, cl.Facts):
				b.WriteString(" **fails** |")
			default:
				b.WriteString(" pass |")
			}
		}
		b.WriteString("\n")
	}
	for i, n := range notes {
		fmt.Fprintf(&b, "\n(%d) %s", i+1, n)
	}
	return b.String() + "\n"
}

// TestClientMatrix runs every row with every client column (the columns in
// parallel) and checks each cell.
func TestClientMatrix(t *testing.T) {
	sum := &summary{cells: map[string]map[string]cell{}}
	t.Run("columns", func(t *testing.T) {
		t.Run("ali-oss", func(t *testing.T) {
			t.Parallel()
			runAliOSS(t, sum)
		})
		for _, d := range goDrivers() {
			t.Run(d.col.name, func(t *testing.T) {
				t.Parallel()
				runGo(t, sum, d)
			})
		}
	})
	md := sum.markdown()
	t.Logf("client matrix:\n%s", md)
	if path := os.Getenv("OSSGATE_MATRIX_MD"); path != "" {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goDriver is a Go client column: make builds its row functions against a
// fresh server.
type goDriver struct {
	col  column
	make func(t *testing.T, e *env, col column) map[string]func() (facts, error)
}

func goDrivers() []goDriver {
	return []goDriver{
		{newColumn("go-sdk-v3/v1", "aliyun-oss-go-sdk v3.0.2, V1"), func(t *testing.T, e *env, col column) map[string]func() (facts, error) {
			return newV3(t, e, col, false).rows()
		}},
		{newColumn("go-sdk-v3/v4", "aliyun-oss-go-sdk v3.0.2, V4"), func(t *testing.T, e *env, col column) map[string]func() (facts, error) {
			return newV3(t, e, col, true).rows()
		}},
		{newColumn("go-sdk-v2/v4", "alibabacloud-oss-go-sdk-v2 v1.6.1, V4"), func(t *testing.T, e *env, col column) map[string]func() (facts, error) {
			return newV2(t, e, col).rows()
		}},
	}
}

func runGo(t *testing.T, sum *summary, d goDriver) {
	e := newEnv(t)
	fns := d.make(t, e, d.col)
	for _, r := range rows {
		t.Run(r.id, func(t *testing.T) {
			var c cell
			fn, ok := fns[r.id]
			if !ok {
				c.Error = "the driver has no implementation of this row"
			} else if got, err := fn(); err != nil {
				var cannot errCannot
				if errors.As(err, &cannot) {
					c.Cannot = string(cannot)
				} else {
					c.Error = err.Error()
				}
			} else {
				c.Facts = got
			}
			sum.check(t, d.col, r, c)
		})
	}
	t.Run("events", func(t *testing.T) { sum.check(t, d.col, eventsRow, e.eventFacts(d.col)) })
}

// decodeCells turns a column's JSON results into cells.
func decodeCells(t *testing.T, v any) map[string]cell {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var cells map[string]cell
	if err := json.Unmarshal(b, &cells); err != nil {
		t.Fatalf("matrix.js output: %v", err)
	}
	return cells
}
