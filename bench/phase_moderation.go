package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"time"

	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// Moderation phase sizes: uploads put at once (8 clients) for the costs,
// and one at a time for the verdict latency.
const (
	ModerationUploads   = 60
	ModerationLatencies = 15
)

// moderationSecret signs the latency uploads' tokens (GET /uploads/{id}
// needs a user).
const moderationSecret = "bench-moderation-hs256-secret-0123456789"

// moderationCost is what one provider's stack spent on ModerationUploads.
type moderationCost struct {
	ossReq   float64 // OSS requests per upload, the functions' (not the clients' puts)
	apiCalls float64 // provider API calls per upload
	cpuMS    float64 // record and sign processes' CPU per upload
	p50      time.Duration
}

// Moderation measures content moderation through each local stand-in:
// the verdict latency (p50 of the time from an upload's PutObject answer
// to GET /uploads/{id} showing its verdict), and per upload the OSS
// requests, the provider API calls and the CPU time of the functions, with
// moderation off as the baseline.
func (r *Runner) Moderation(ctx context.Context) error {
	code, err := r.codeDir(ctx)
	if err != nil {
		return err
	}
	costs := map[string]moderationCost{}
	for _, p := range []string{"off", "aliyun", "wechat"} {
		c, err := r.moderationRun(ctx, code, p)
		if err != nil {
			return err
		}
		costs[p] = c
		r.logf("moderation %s: %.2f OSS requests, %.2f API calls, %.2f ms CPU per upload; verdict p50 %s", p, c.ossReq, c.apiCalls, c.cpuMS, c.p50)
	}
	off := costs["off"]
	cmd := fmt.Sprintf("ossgate-bench moderation phase: avatar profile moderated by each local stand-in (greenemu, wxemu), %d small PNG uploads (8 clients, POST /sign then PutObject) for the costs, %d one at a time for the latency; OSS requests counted by the local OSS endpoint, CPU from /proc of the record and sign processes", ModerationUploads, ModerationLatencies)
	for _, p := range []string{"aliyun", "wechat"} {
		c := costs[p]
		r.Results.Add(Figure{ID: "moderation_" + p + "_verdict_p50", What: fmt.Sprintf("moderation `%s` (local stand-in): verdict latency p50, upload answered → GET /uploads/{id} shows the verdict", p),
			Value: float64(c.p50.Microseconds()) / 1000, Unit: "ms", Command: cmd,
			Note: map[string]string{"aliyun": "one synchronous ImageModeration call in the record function", "wechat": "mediaCheckAsync, then the stand-in pushes the verdict after 50 ms to the sign function"}[p]})
		r.Results.Add(Figure{ID: "moderation_" + p + "_extra_oss_requests", What: fmt.Sprintf("moderation `%s`: extra OSS requests per upload (functions', over moderation off)", p),
			Value: c.ossReq - off.ossReq, Unit: "requests", Command: cmd, Note: fmt.Sprintf("%.2f with, %.2f without; OSS record store, every upload by one user (reading a record loads the user's records not folded yet); includes the stand-in's own read of the image", c.ossReq, off.ossReq)})
		r.Results.Add(Figure{ID: "moderation_" + p + "_api_calls", What: fmt.Sprintf("moderation `%s`: provider API calls per upload", p),
			Value: c.apiCalls, Unit: "calls", Command: cmd})
		r.Results.Add(Figure{ID: "moderation_" + p + "_extra_cpu", What: fmt.Sprintf("moderation `%s`: extra function CPU time per upload (record and sign processes, over moderation off)", p),
			Value: c.cpuMS - off.cpuMS, Unit: "ms", Command: cmd, Note: fmt.Sprintf("%.2f ms with, %.2f ms without", c.cpuMS, off.cpuMS)})
	}
	return nil
}

// moderationRun measures one provider ("off" for none).
func (r *Runner) moderationRun(ctx context.Context, code, provider string) (moderationCost, error) {
	profiles := `OSSGATE_PROFILES={"avatar":{"types":["image/png"],"maxSize":1048576,"moderation":{"provider":"` + provider + `"}}}`
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "moderation-"+provider),
		Anonymous: true, JWTSecret: moderationSecret, Env: []string{profiles}})
	if err != nil {
		return moderationCost{}, fmt.Errorf("bench: %w", err)
	}
	defer st.Close()
	key := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		return moderationCost{}, fmt.Errorf("bench: %w", err)
	}
	put, err := signedPuts(st, b, ModerationUploads, 8)
	if err != nil {
		return moderationCost{}, err
	}
	exe := filepath.Join(code, "ossgate")
	pids := func() []int {
		return append(testutil.PIDsWithEnv(exe, "OSSGATE_FUNCTION=record"), testutil.PIDsWithEnv(exe, "OSSGATE_FUNCTION=sign")...)
	}
	calls := func() int64 {
		switch {
		case st.Green != nil:
			return st.Green.Calls()
		case st.WeChat != nil:
			return int64(st.WeChat.Calls("/wxa/media_check_async") + st.WeChat.Calls("/cgi-bin/stable_token") + st.WeChat.Calls("/wxa/msg_sec_check"))
		}
		return 0
	}
	cpu0, req0, calls0 := cpuTicks(pids()), st.OSS.Requests(), calls()
	if err := put(); err != nil {
		return moderationCost{}, err
	}
	if err := waitVerdicts(ctx, st, ModerationUploads); err != nil {
		return moderationCost{}, err
	}
	n := float64(ModerationUploads)
	c := moderationCost{
		// Less the clients' PutObject, one per upload.
		ossReq:   float64(st.OSS.Requests().Sub(req0).Total()-ModerationUploads) / n,
		apiCalls: float64(calls()-calls0) / n,
		cpuMS:    float64(cpuTicks(pids())-cpu0) * 10 / n,
	}
	c.p50, err = verdictLatency(ctx, st)
	return c, err
}

// waitVerdicts waits until the record trigger queue is drained and, with
// WeChat, every one of n verdicts was pushed and answered.
func waitVerdicts(ctx context.Context, st *stack.Stack, n int) error {
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := st.Record.Drain(dctx); err != nil {
		return fmt.Errorf("bench: drain: %w", err)
	}
	for st.WeChat != nil && len(st.WeChat.Pushes()) < n {
		if dctx.Err() != nil {
			return fmt.Errorf("bench: %d of %d WeChat verdicts pushed", len(st.WeChat.Pushes()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st.WeChat != nil {
		st.WeChat.Wait()
		for _, p := range st.WeChat.Pushes() {
			if p.Status != http.StatusOK {
				return fmt.Errorf("bench: a WeChat push answered %d", p.Status)
			}
		}
	}
	return nil
}

// recordIDOf is the record ID of bucket/key (records.ID).
func recordIDOf(bucket, key string) string {
	sum := sha256.Sum256([]byte(bucket + "\n" + key))
	return hex.EncodeToString(sum[:])[:32]
}

// verdictLatency puts ModerationLatencies uploads one at a time and
// returns the p50 of the time from each PutObject's answer until GET
// /uploads/{id} shows it settled (ok).
func verdictLatency(ctx context.Context, st *stack.Stack) (time.Duration, error) {
	c := &http.Client{Timeout: 20 * time.Second}
	authz := testutil.Token(moderationSecret, "bench", 10*time.Minute)
	var lat []time.Duration
	for i := range ModerationLatencies {
		body := testutil.PNGFile("latency", i)
		tk, err := testutil.AskTicket(c, st.SignURL, authz, "avatar", "l.png", "image/png", len(body))
		if err == nil {
			err = testutil.PostForm(c, tk, "image/png", body)
		}
		if err != nil {
			return 0, fmt.Errorf("bench: %w", err)
		}
		t0 := time.Now()
		id := recordIDOf(st.Bucket, tk.Key)
		for {
			var v wire.UploadView
			err := testutil.Call(c, st.SignURL, authz, "GET", "/uploads/"+id, nil, &v)
			if err == nil && v.Status != "" && v.Status != "pending" {
				break
			}
			if time.Since(t0) > 30*time.Second || ctx.Err() != nil {
				return 0, fmt.Errorf("bench: upload %s not settled in 30 s (%v)", tk.Key, err)
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], nil
}
