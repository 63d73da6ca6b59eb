package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/ossgate/ossgate/internal/shaper"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// CallbackUploads is how many uploads are timed on each path.
const CallbackUploads = 100

// The client's wait for a record its upload answer lacked: GET
// /uploads/{id} after a delay that doubles from cbPollFirst up to
// cbPollMax, as clients/core/record-wait.js does by default.
const (
	cbPollFirst = 250 * time.Millisecond
	cbPollMax   = 4 * time.Second
	cbSecret    = "bench-callback-secret-not-real-0123456789abcdef"
)

// cbPath is one way the record reaches the client.
type cbPath struct {
	id, label string
	callback  bool
}

// cbResult is what one path measured: the upload-to-record times, and per
// upload the OSS requests and function invocations, and how many records
// came in the upload's own answer.
type cbResult struct {
	ms                    []float64
	ossPerUpload          float64
	ossByOp               string // the OSS requests of all the timed uploads, by operation
	signPer, recordPer    float64
	inAnswer, uploadCount int
}

// Callback measures, through MobileLink (the client's links to the sign
// function and to OSS both shaped), the time from the start of an upload
// (POST /sign) to its checked record in the client's hands: on the
// callback path the form POST's own answer carries it; on the event path
// (no callback: today's) the client asks GET /uploads/{recordId} with
// back-off until the record function has recorded the OSS event. Each path
// runs CallbackUploads sequential small PNG uploads on a stack of its own,
// and counts the OSS requests (at the OSS endpoint: the client's, the
// functions', the record store's) and the function invocations (sign:
// the client's calls and OSS's callbacks; record: the OSS events) per
// upload.
func (r *Runner) Callback(ctx context.Context) error {
	code, err := r.codeDir(ctx)
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("go run ./bench/cmd/ossgate-bench -phases callback (link perconn=2MB,total=12MB,latency=40ms on both client links; %d sequential PNG uploads per path, OSS record store)", CallbackUploads)
	paths := []cbPath{{"callback", "callback path (record in the upload's answer)", true}, {"event", "event-and-poll path (GET /uploads/{id} with back-off)", false}}
	got := map[string]cbResult{}
	for _, p := range paths {
		res, err := r.cbMeasure(ctx, code, p)
		if err != nil {
			return err
		}
		got[p.id] = res
		p50, p99 := percentile(res.ms, 50), percentile(res.ms, 99)
		r.logf("callback %s: p50 %.0f ms, p99 %.0f ms, %.2f OSS requests, %.2f sign + %.2f record invocations per upload, %d of %d records in the answer",
			p.id, p50, p99, res.ossPerUpload, res.signPer, res.recordPer, res.inAnswer, res.uploadCount)
		r.Results.Add(Figure{ID: "callback_" + p.id + "_p50", What: "upload start to checked record in the client's hands, " + p.label + ", p50", Value: p50, Unit: "ms", Command: cmd})
		r.Results.Add(Figure{ID: "callback_" + p.id + "_p99", What: "upload start to checked record in the client's hands, " + p.label + ", p99", Value: p99, Unit: "ms", Command: cmd})
		r.logf("callback %s: OSS requests of the %d uploads: %s", p.id, res.uploadCount, res.ossByOp)
		r.Results.Add(Figure{ID: "callback_" + p.id + "_oss_requests", What: "OSS requests per upload, " + p.label, Value: res.ossPerUpload, Unit: "requests", Command: cmd,
			Note: fmt.Sprintf("%d uploads by one user who never lists: %s. GET /uploads/{id} on the OSS record store reads the user's records written since the last listing folded them", res.uploadCount, res.ossByOp)})
		r.Results.Add(Figure{ID: "callback_" + p.id + "_invocations", What: "function invocations per upload (sign + record), " + p.label, Value: res.signPer + res.recordPer, Unit: "invocations", Command: cmd,
			Note: fmt.Sprintf("sign %.2f, record %.2f; %d of %d records came in the upload's answer", res.signPer, res.recordPer, res.inAnswer, res.uploadCount)})
	}
	cb, ev := percentile(got["callback"].ms, 50), percentile(got["event"].ms, 50)
	r.Results.Add(Targeted(Figure{ID: "callback_vs_event_p50", What: "upload-to-record p50: event-and-poll path / callback path", Value: ev / cb, Unit: "×", Command: cmd}, "> 1×", ev > cb))
	return nil
}

// cbEnv is one path's stack and the counting proxies around it.
type cbEnv struct {
	st                 *stack.Stack
	signCount, cbCount *countingProxy // client → sign; OSS → sign (callbacks)
	ossCount           *countingProxy // client → OSS
	signURL            string         // the client's (shaped) sign URL
	closers            []func()
}

func (e *cbEnv) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

func (r *Runner) startCallbackEnv(ctx context.Context, code string, p cbPath) (*cbEnv, error) {
	e := &cbEnv{}
	for _, c := range []**countingProxy{&e.signCount, &e.cbCount, &e.ossCount} {
		cp, err := startCountingProxy()
		if err != nil {
			e.close()
			return nil, err
		}
		*c = cp
		e.closers = append(e.closers, func() { _ = cp.Close() })
	}
	var links [2]*shaper.Proxy
	for i, target := range []*countingProxy{e.ossCount, e.signCount} {
		l, err := shaper.Start(target.URL[len("http://"):], MobileLink)
		if err != nil {
			e.close()
			return nil, err
		}
		links[i] = l
		e.closers = append(e.closers, func() { _ = l.Close() })
	}
	signEnv := []string{"OSSGATE_ENDPOINT=http://" + links[0].Addr}
	if p.callback {
		signEnv = append(signEnv, "OSSGATE_CALLBACK_URL="+e.cbCount.URL)
	}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "cb-"+p.id), JWTSecret: cbSecret,
		Callback: p.callback, SignEnv: signEnv})
	if err != nil {
		e.close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.st = st
	e.closers = append(e.closers, st.Close)
	for c, target := range map[*countingProxy]string{e.signCount: st.SignURL, e.cbCount: st.SignURL, e.ossCount: st.OSSURL} {
		if err := c.setTarget(target); err != nil {
			e.close()
			return nil, err
		}
	}
	e.signURL = "http://" + links[1].Addr
	return e, nil
}

// cbMeasure runs path p: one warm-up upload, then CallbackUploads timed
// ones, then waits until every OSS event reached the record function.
func (r *Runner) cbMeasure(ctx context.Context, code string, p cbPath) (cbResult, error) {
	e, err := r.startCallbackEnv(ctx, code, p)
	if err != nil {
		return cbResult{}, err
	}
	defer e.close()
	c := &http.Client{Timeout: 30 * time.Second}
	authz := testutil.Token(cbSecret, "bench-"+p.id, time.Hour)
	if _, _, err := cbUpload(ctx, c, e.signURL, authz, 0); err != nil {
		return cbResult{}, fmt.Errorf("bench: callback warm-up: %w", err)
	}
	if err := drain(ctx, e.st); err != nil {
		return cbResult{}, err
	}
	oss0, rec0, sign0 := e.st.OSS.Requests(), e.st.Record.AsyncStats().Accepted, e.signCount.Requests()+e.cbCount.Requests()
	res := cbResult{uploadCount: CallbackUploads}
	for i := 1; i <= CallbackUploads; i++ {
		d, inAnswer, err := cbUpload(ctx, c, e.signURL, authz, i)
		if err != nil {
			return cbResult{}, fmt.Errorf("bench: callback %s upload %d: %w", p.id, i, err)
		}
		res.ms = append(res.ms, float64(d)/float64(time.Millisecond))
		if inAnswer {
			res.inAnswer++
		}
	}
	if err := drain(ctx, e.st); err != nil {
		return cbResult{}, err
	}
	n := float64(CallbackUploads)
	ops := e.st.OSS.Requests().Sub(oss0)
	res.ossPerUpload, res.ossByOp = float64(ops.Total())/n, ops.String()
	res.signPer = float64(e.signCount.Requests()+e.cbCount.Requests()-sign0) / n
	res.recordPer = float64(e.st.Record.AsyncStats().Accepted-rec0) / n
	return res, nil
}

func drain(ctx context.Context, st *stack.Stack) error {
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := st.DrainEvents(dctx); err != nil {
		return fmt.Errorf("bench: drain: %w", err)
	}
	return nil
}

// cbUpload uploads PNG i as a client does and returns the time from the
// start to the checked record in hand, and whether the upload's answer
// carried it.
func cbUpload(ctx context.Context, c *http.Client, signURL, authz string, i int) (time.Duration, bool, error) {
	data := testutil.PNGFile("cb", i)
	t0 := time.Now()
	tk, err := testutil.AskTicket(c, signURL, authz, "avatar", fmt.Sprintf("p%d.png", i), "image/png", len(data))
	if err != nil {
		return 0, false, err
	}
	status, body, err := testutil.PostFormAnswer(c, tk, "image/png", data)
	if err != nil {
		return 0, false, err
	}
	if status/100 != 2 {
		return 0, false, fmt.Errorf("upload answered %d %.200s", status, body)
	}
	var a struct{ Record *testutil.Record }
	if status == http.StatusOK && json.Unmarshal(body, &a) == nil && a.Record != nil && a.Record.ID == tk.RecordID {
		return time.Since(t0), true, nil
	}
	if err := pollRecord(ctx, c, signURL, authz, tk.RecordID); err != nil {
		return 0, false, err
	}
	return time.Since(t0), false, nil
}

// pollRecord asks GET /uploads/{id} until it answers the record.
func pollRecord(ctx context.Context, c *http.Client, signURL, authz, id string) error {
	delay := cbPollFirst
	for range 60 {
		var rec testutil.Record
		err := testutil.Call(c, signURL, authz, http.MethodGet, "/uploads/"+id, nil, &rec)
		if err == nil && rec.ID == id {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, cbPollMax)
	}
	return errors.New("the record never came")
}

// percentile is the nearest-rank p-th percentile of ms.
func percentile(ms []float64, p float64) float64 {
	if len(ms) == 0 {
		return 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
