package ossemu

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestTrafficLimit: x-oss-traffic-limit (bit/s, 245760 to 838860800; the
// "Single-connection bandwidth throttling" page of the OSS user guide)
// slows an upload and a download to that rate, and the upload's answer
// says how long it was held back (x-oss-qos-delay-time); a value outside
// the range is InvalidArgument. 12 KiB at the minimum, 30 KiB/s, take at
// least 0.3 s past the limiter's first tenth of a second.
func TestTrafficLimit(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	body := strings.Repeat("t", 12<<10)
	const minTime = 250 * time.Millisecond
	var h http.Header
	start := time.Now()
	if err := b.PutObject("tl/a", strings.NewReader(body), oss.TrafficLimitHeader(245760), oss.GetResponseHeader(&h)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < minTime || h.Get("x-oss-qos-delay-time") == "" {
		t.Errorf("limited upload: %v, x-oss-qos-delay-time %q; want ≥ %v and the header", d, h.Get("x-oss-qos-delay-time"), minTime)
	}
	start = time.Now()
	r, err := b.GetObject("tl/a", oss.TrafficLimitHeader(245760))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if d := time.Since(start); d < minTime || string(got) != body {
		t.Errorf("limited download: %v, %d bytes; want ≥ %v and the body", d, len(got), minTime)
	}
	if got := serviceCode(b.PutObject("tl/b", strings.NewReader("x"), oss.TrafficLimitHeader(1000))); got != "InvalidArgument" {
		t.Errorf("limit below the range: got %s, want InvalidArgument", got)
	}
}
