package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// ReconcileUploads is the number of uploads the reconcile phase audits.
const ReconcileUploads = 2000

// Reconcile measures `ossgate reconcile` (the real binary, run as from a
// shell) against the local OSS endpoint with the OSS record store:
// ReconcileUploads uploads whose events were lost (the record function
// answers without recording) are put, then reconcile runs three times. The
// first run records every upload: its OSS requests per record made. The
// second reads the user's records, which the OSS store then folds into an
// index generation (a one-time cost any reader pays). The third is the
// steady state of an audit that finds nothing missing: its OSS requests
// per 1,000 objects checked. The requests are counted by the local OSS
// endpoint itself.
func (r *Runner) Reconcile(ctx context.Context) error {
	code, err := r.codeDir(ctx)
	if err != nil {
		return err
	}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "reconcile"),
		Anonymous: true, RecordEnv: []string{"OSSGATE_FUNCTION=empty"}})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer st.Close()
	key := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	put, err := signedPuts(st, b, ReconcileUploads, 8)
	if err != nil {
		return err
	}
	if err := put(); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := st.Record.Drain(dctx); err != nil {
		return fmt.Errorf("bench: drain: %w", err)
	}
	var runs [3]reconcileRun
	for i := range runs {
		if runs[i], err = runReconcile(ctx, st, code, key); err != nil {
			return err
		}
		r.logf("reconcile run %d: %s; OSS requests %s", i+1, runs[i].stats, runs[i].req)
	}
	if m := runs[0].missing(); m != ReconcileUploads || runs[2].missing() != 0 {
		return fmt.Errorf("bench: reconcile recorded %d of %d, then %d on the third run", m, ReconcileUploads, runs[2].missing())
	}
	cmd := fmt.Sprintf("ossgate-bench reconcile phase: %d uploads of one user whose events were lost (POST /sign, PutObject; record function replaced by the empty one), then `ossgate reconcile` three times (OSS store); OSS requests counted by the local OSS endpoint",
		ReconcileUploads)
	lists := float64(runs[2].lists()) * 1000 / ReconcileUploads
	r.Results.Add(Targeted(Figure{ID: "reconcile_list_requests_per_1000", What: "`ossgate reconcile`: list requests of the upload prefix per 1,000 uploads",
		Value: lists, Unit: "requests", Command: cmd, Note: "third run: " + runs[2].stats}, "≤ 1", lists <= 1))
	perRecord := float64(runs[0].req.Total()-runs[2].req.Total()) / ReconcileUploads
	r.Results.Add(Targeted(Figure{ID: "reconcile_oss_requests_per_record", What: "`ossgate reconcile`: OSS requests per upload it records, beyond an audit that finds nothing (OSS store)",
		Value: perRecord, Unit: "requests", Command: cmd, Note: "first run: " + runs[0].req.String() + "; a record function's record costs 2 (one ranged GET, one PUT)"},
		"≤ 2", perRecord <= 2))
	per1000 := float64(runs[2].req.Total()) * 1000 / ReconcileUploads
	r.Results.Add(Figure{ID: "reconcile_oss_requests_per_1000_checked", What: "`ossgate reconcile` finding nothing missing: all OSS requests per 1,000 uploads checked (OSS store, one user: the listing and the user's records)",
		Value: per1000, Unit: "requests", Command: cmd, Note: "third run: " + runs[2].req.String() + "; the second run's, when the OSS store folds the new records into its index (a one-time cost any reader pays): " + runs[1].req.String()})
	return nil
}

// reconcileRun is one run of the command: what it printed and the OSS
// requests it made.
type reconcileRun struct {
	stats string
	req   ossemu.Requests
}

func (r reconcileRun) missing() int { return r.field().Missing }

func (r reconcileRun) lists() int { return r.field().Lists }

func (r reconcileRun) field() (s struct{ Missing, Lists int }) {
	_ = json.Unmarshal([]byte(r.stats), &s)
	return s
}

// runReconcile runs `ossgate reconcile` with the environment the sweep
// function has, credentials from the environment.
func runReconcile(ctx context.Context, st *stack.Stack, code string, key ossemu.Credential) (reconcileRun, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(code, "ossgate"), "reconcile")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "OSSGATE_BUCKET=" + st.Bucket, "OSSGATE_REGION=" + st.Region,
		"OSSGATE_INTERNAL_ENDPOINT=" + st.OSSURL, "ALIBABA_CLOUD_ACCESS_KEY_ID=" + key.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + key.AccessKeySecret, "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true", "OSSGATE_LOG_LEVEL=warn"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	before := st.OSS.Requests()
	out, err := cmd.Output()
	if err != nil {
		return reconcileRun{}, fmt.Errorf("bench: ossgate reconcile: %w: %s", err, stderr.Bytes())
	}
	return reconcileRun{stats: string(bytes.TrimSpace(out)), req: st.OSS.Requests().Sub(before)}, nil
}
