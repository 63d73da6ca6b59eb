package ossemu

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestSignatureV2: requests signed by aliyun-oss-go-sdk with AuthV2 (the
// OSS2 header and presigned URL, oss/auth.go and oss/conn.go), with and
// without additional headers, are accepted; a wrong secret or a changed
// signed header is SignatureDoesNotMatch; an expired URL is refused.
func TestSignatureV2(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	for _, extra := range [][]string{nil, {"host", "user-agent"}} {
		b := sdkBucket(t, f, testAK, testSecret, "", oss.AuthVersion(oss.AuthV2), oss.AdditionalHeaders(extra))
		key := "v2/a b+c.txt"
		if err := b.PutObject(key, strings.NewReader("v2"), oss.Meta("k", "v")); err != nil {
			t.Fatalf("PutObject %v: %v", extra, err)
		}
		if _, err := b.ListObjects(oss.Prefix("v2/"), oss.MaxKeys(5)); err != nil {
			t.Errorf("ListObjects %v: %v", extra, err)
		}
		u, err := b.SignURL(key, oss.HTTPGet, 60)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := f.do(t, http.MethodGet, strings.TrimPrefix(u, f.http.URL), nil, nil)
		if resp.StatusCode != http.StatusOK || string(body) != "v2" {
			t.Errorf("presigned GET %v: got %d %s", extra, resp.StatusCode, body)
		}
		if _, err := b.GetObjectDetailedMeta(key); err != nil {
			t.Errorf("HEAD %v: %v", extra, err)
		}
	}
	bad := sdkBucket(t, f, testAK, "wrong", "", oss.AuthVersion(oss.AuthV2))
	if got := serviceCode(bad.PutObject("v2/x", strings.NewReader("x"))); got != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: got %s, want SignatureDoesNotMatch", got)
	}
	b := sdkBucket(t, f, testAK, testSecret, "", oss.AuthVersion(oss.AuthV2))
	u, err := b.SignURL("v2/a b+c.txt", oss.HTTPGet, 60)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(time.Now().Add(2 * time.Minute))
	resp, body := f.do(t, http.MethodGet, strings.TrimPrefix(u, f.http.URL), nil, nil)
	if resp.StatusCode != http.StatusForbidden || ossError(t, body).EC != "0002-00000069" {
		t.Errorf("expired URL: got %d %s, want 403 EC 0002-00000069", resp.StatusCode, body)
	}
}
