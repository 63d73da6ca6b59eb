package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// reconcileStats is the JSON line ossgate reconcile prints.
type reconcileStats struct {
	Listed, Checked, Missing, Failed, Lists, Users int
	Stopped                                        bool
}

// TestReconcileCommandAndMode makes real uploads whose events are lost (the
// record function answers every event without recording), then runs
// `ossgate reconcile` from a shell with the sweep function's environment:
// every upload is recorded exactly once. More uploads are lost; the
// maintenance function in reconcile mode records those, and only those.
func TestReconcileCommandAndMode(t *testing.T) {
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{JWTSecret: relSecret, RecordEnv: []string{"OSSGATE_FUNCTION=empty"}, Output: out})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function output:\n%s", out)
		}
	})
	keys := signedUploads(t, st, 30, 6)
	drainRecords(t, st)

	const ak, sk = "LTAIreconcilecmd", "fake-reconcile-secret"
	st.OSS.AddCredential(ossemu.Credential{AccessKeyID: ak, AccessKeySecret: sk})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(codeDir, "ossgate"), "reconcile", "-from", time.Now().UTC().Add(-time.Hour).Format(time.RFC3339))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "OSSGATE_BUCKET=" + st.Bucket, "OSSGATE_REGION=" + st.Region,
		"OSSGATE_INTERNAL_ENDPOINT=" + st.OSSURL, "ALIBABA_CLOUD_ACCESS_KEY_ID=" + ak, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + sk,
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	line, err := cmd.Output()
	if err != nil {
		t.Fatalf("ossgate reconcile: %v\nstderr:\n%s", err, stderr.String())
	}
	var s reconcileStats
	if err := json.Unmarshal(line, &s); err != nil {
		t.Fatalf("output %q: %v", line, err)
	}
	if s.Listed != len(keys) || s.Checked != len(keys) || s.Missing != len(keys) || s.Failed != 0 || s.Lists != 1 || s.Stopped {
		t.Errorf("ossgate reconcile: %+v, want %d listed, checked and missing in one list request", s, len(keys))
	}
	checkExactlyOnce(t, st, keys)

	more := signedUploads(t, st, 12, 6)
	drainRecords(t, st)
	if _, err := st.Sweep.Invoke(ctx, []byte(`{"mode":"reconcile"}`)); err != nil {
		t.Fatalf("maintenance in reconcile mode: %v", err)
	}
	if !strings.Contains(out.String(), `"msg":"reconcile: done"`) || !strings.Contains(out.String(), `"listed":42,"checked":42,"missing":12,"failed":0`) {
		t.Error("the maintenance function's log lacks a reconcile of 42 uploads with 12 missing")
	}
	checkExactlyOnce(t, st, append(keys, more...))
}
