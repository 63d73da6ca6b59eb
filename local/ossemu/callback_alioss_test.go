package ossemu

import (
	"net/http"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/oracletest"
)

// TestCallbackAliOSS runs ali-oss's callback option (put and multipartUpload,
// V1 and V4 signed) against the server: the callback's answer is ali-oss's
// result.data, and a failing callback is ali-oss's error 203 CallbackFailed.
func TestCallbackAliOSS(t *testing.T) {
	oracletest.Require(t)
	f := newFixture(t, time.Now().UTC(), nil)
	ok := newCallbackReceiver(t)
	failing := newCallbackReceiver(t)
	failing.status = http.StatusBadGateway
	in := map[string]string{
		"endpoint": f.http.URL, "bucket": testBucket, "region": testRegion, "accessKeyId": testAK, "accessKeySecret": testSecret,
		"callbackUrl": ok.srv.URL + "/cb", "failingUrl": failing.srv.URL + "/cb",
	}
	type result struct {
		Status int `json:"status"`
		Data   struct {
			OK   bool   `json:"ok"`
			Body string `json:"body"`
		} `json:"data"`
		Error *struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		} `json:"error"`
	}
	var out map[string]result
	oracletest.Run(t, "callback.js", in, &out)
	for _, sig := range []string{"v1", "v4"} {
		for _, c := range []string{"put-" + sig, "multipart-" + sig} {
			r := out[c]
			if r.Error != nil || r.Status != 200 || !r.Data.OK || r.Data.Body == "" {
				t.Errorf("%s: got %+v, want 200 with the verified callback's answer as data", c, r)
			}
		}
		if r := out["put-failing-"+sig]; r.Error == nil || r.Error.Status != 203 || r.Error.Code != "CallbackFailed" {
			t.Errorf("put-failing-%s: got %+v, want error 203 CallbackFailed", sig, r)
		}
	}
}
