package sign

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

// mpPart is the part size of the "video" profile of mpProfiles.
const mpPart = 100 << 10

// mpProfiles: "video" goes multipart from 3 parts, "short" too with part
// URLs valid 2 s, "photo" has no multipart, "big" allows 10,000 parts,
// "capped" allows each user 2 files a day, "metered" 1 MiB a day, "rated"
// 2 calls an hour.
const mpProfiles = `{
  "video": {"types": ["video/mp4"], "maxSize": 104857600, "multipart": {"partSize": 102400, "threshold": 307200}},
  "short": {"types": ["video/mp4"], "maxSize": 104857600, "expiry": "2s", "multipart": {"partSize": 102400}},
  "photo": {"types": ["image/png"], "maxSize": 1048576, "maxFiles": 3},
  "big":   {"types": ["video/mp4"], "maxSize": 1024000000, "multipart": {"partSize": 102400}},
  "capped": {"types": ["video/mp4"], "maxSize": 104857600, "multipart": {"partSize": 102400}, "quota": {"files": 2, "per": "day"}},
  "metered": {"types": ["video/mp4"], "maxSize": 104857600, "multipart": {"partSize": 102400}, "quota": {"bytes": 1048576, "per": "day"}},
  "rated": {"types": ["video/mp4"], "maxSize": 104857600, "multipart": {"partSize": 102400}, "rate": {"signs": 2, "per": "hour"}}
}`

// mpFixture is a sign handler on a local OSS bucket: its part URLs reach
// that bucket, and its OSS calls are made there with the test credentials.
type mpFixture struct {
	*fixture
	oss *testutil.LocalOSS
}

func newMPFixture(t *testing.T, mods ...func(*config.Config)) *mpFixture {
	t.Helper()
	l := testutil.StartLocalOSS(t, "mp-bucket", ossemu.Credential{AccessKeyID: testCreds.AccessKeyID,
		AccessKeySecret: testCreds.AccessKeySecret, SecurityToken: testCreds.SecurityToken})
	env := map[string]string{
		config.VarBucket: "mp-bucket", config.VarRegion: "cn-hangzhou", config.VarEndpoint: l.URL, config.VarInternalEndpoint: l.URL,
		config.VarJWTSecret: string(testSecret), config.VarProfiles: mpProfiles, config.VarCORSOrigins: "https://app.example.com",
	}
	cfg, err := config.Load(config.Sign, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		m(&cfg)
	}
	f := newFixture(t, func(o *Options) {
		o.Config = cfg
		o.Now = time.Now // part URLs meet the local OSS's real clock
		o.NewID = nil
		op := o.Open.(opener)
		oss := ossclient.FromConfig(cfg.OSS, nil) // the invocation's credentials only
		op.oss = &oss
		o.Open = op
	})
	return &mpFixture{fixture: f, oss: l}
}

// create starts an upload of size bytes of video/mp4 under profile as user
// and fails the test unless it is answered 200.
func (f *mpFixture) create(t *testing.T, user, profile string, size int64) wire.MultipartUpload {
	t.Helper()
	w := f.do(request{method: "POST", path: "/uploads/multipart", user: user,
		json: map[string]any{"profile": profile, "file": map[string]any{"name": "clip 1.mp4", "type": "video/mp4", "size": size}}})
	if w.Code != 200 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var res wire.CreateResponse
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	return res.Upload
}

// put PUTs body to the part's URL with headers (the part's own when nil)
// and returns OSS's status and body.
func put(t *testing.T, p wire.PartURL, body []byte, headers map[string]string) (int, string) {
	t.Helper()
	if headers == nil {
		headers = p.Headers
	}
	req, err := http.NewRequest(http.MethodPut, p.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// putParts PUTs the given parts of data, each its slice of data, and fails
// the test unless OSS stores every one.
func putParts(t *testing.T, parts []wire.PartURL, data []byte) {
	t.Helper()
	for _, p := range parts {
		start := int64(p.Number-1) * mpPart
		if status, body := put(t, p, data[start:start+p.Size], nil); status != 200 {
			t.Fatalf("part %d: %d %s", p.Number, status, body)
		}
	}
}

func randomBytes(n int64) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
