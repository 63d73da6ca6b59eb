package e2e

import (
	"net/http"
	"testing"

	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/greenemu"
	"github.com/ossgate/ossgate/local/stack"
)

// modProfiles moderates avatar uploads with provider.
func modProfiles(provider string) string {
	return `OSSGATE_PROFILES={"avatar":{"types":["image/png"],"maxSize":1048576,"moderation":{"provider":"` + provider + `"}}}`
}

// riskyPNG is a valid PNG whose bytes carry the stand-ins' test marker.
func riskyPNG(i int) []byte { return append(recPNG(i), " "+greenemu.Marker...) }

// TestModerationAliyun: with avatar on Content Moderation (the local
// stand-in, wired by the stack), a clean PNG ends ok and downloadable; a
// valid PNG carrying the marker ends rejected, quarantined and never
// downloadable.
func TestModerationAliyun(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: []string{modProfiles("aliyun")}})
	if st.Green == nil {
		t.Fatal("the stack started no Content Moderation stand-in for a profile on aliyun")
	}
	clean := recUpload(t, st, "alice", "clean.png", "image/png", recPNG(1))
	risky := recUpload(t, st, "alice", "risky.png", "image/png", riskyPNG(2))
	drainRecords(t, st)
	views := map[string]wire.UploadView{}
	var page wire.UploadsPage
	if err := testutil.Call(recClient, st.SignURL, recToken("alice"), "GET", "/uploads?limit=10", nil, &page); err != nil {
		t.Fatal(err)
	}
	for _, v := range page.Records {
		views[v.Key] = v
	}
	c, r := views[clean], views[risky]
	if c.Status != "ok" || c.DownloadURL == "" || c.Moderation == nil || c.Moderation.Provider != "aliyun" || c.Moderation.By != "provider" {
		t.Errorf("clean PNG: %+v, want ok with a downloadUrl and aliyun's verdict", c)
	}
	if r.Status != "rejected" || r.DownloadURL != "" || r.ThumbnailURL != "" || r.QuarantineKey == "" ||
		r.Moderation == nil || len(r.Moderation.Labels) != 1 || r.Moderation.Labels[0].Label != greenemu.RiskyLabel {
		t.Errorf("marked PNG: %+v, want rejected, quarantined, no URLs, the stand-in's label", r)
	}
	b := recBucket(t, st)
	if in, _ := b.IsObjectExist(risky); in {
		t.Errorf("rejected %s is still under the upload prefix", risky)
	}
	if moved, _ := b.IsObjectExist(r.QuarantineKey); !moved {
		t.Errorf("rejected upload: no object at its quarantine key %s", r.QuarantineKey)
	}
	if res, err := http.Get(c.DownloadURL); err != nil || res.StatusCode != 200 {
		t.Errorf("clean PNG's downloadUrl: %v %v, want 200", res, err)
	} else {
		res.Body.Close()
	}
	if n := st.Green.Calls(); n != 2 {
		t.Errorf("Content Moderation answered %d checks, want 2", n)
	}
	var pending wire.UploadsPage
	if err := testutil.Call(recClient, st.SignURL, recToken("alice"), "GET", "/uploads?status=pending", nil, &pending); err != nil || len(pending.Records) != 0 {
		t.Errorf("GET /uploads?status=pending after the verdicts: %+v %v, want none", pending.Records, err)
	}
}
