package ossemu

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Single-connection bandwidth throttling: x-oss-traffic-limit (a header, or
// a parameter of a presigned URL) in bit/s, 245760 (30 KB/s) to 838860800
// (100 MB/s), on uploads and downloads (the "Single-connection bandwidth
// throttling" page of the OSS user guide). The request body is read and
// the answer's body written at that rate; an upload's answer says how long
// it was held back in x-oss-qos-delay-time (ms), which aliyun-oss-go-sdk's
// TestBucketTrafficLimitObject1 expects of OSS.

const (
	minTrafficLimit = 245760
	maxTrafficLimit = 838860800
)

// trafficLimit reads the request's limit: 0 when none, an error outside the
// documented range.
func trafficLimit(r *http.Request) (int64, error) {
	v := r.Header.Get("x-oss-traffic-limit")
	if v == "" {
		v = r.URL.Query().Get("x-oss-traffic-limit")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minTrafficLimit || n > maxTrafficLimit {
		return 0, errInvalidArgument("x-oss-traffic-limit must be between %d and %d bit/s.", minTrafficLimit, maxTrafficLimit)
	}
	return n, nil
}

// throttle makes r's body and w's body move at most bits per second and
// returns the wrapped writer.
func throttle(w http.ResponseWriter, r *http.Request, bits int64) http.ResponseWriter {
	bytesPerSec := int(bits / 8)
	burst := min(bytesPerSec/10, 32<<10) // at most a tenth of a second at once
	t := &throttled{ResponseWriter: w, ctx: r.Context(), lim: rate.NewLimiter(rate.Limit(bytesPerSec), burst), burst: burst}
	r.Body = &throttledBody{ReadCloser: r.Body, t: t}
	return t
}

type throttled struct {
	http.ResponseWriter
	ctx     context.Context
	lim     *rate.Limiter
	burst   int
	delayed time.Duration
	wrote   bool
}

// wait blocks until n bytes may move, counting the time held back.
func (t *throttled) wait(n int) error {
	start := time.Now()
	err := t.lim.WaitN(t.ctx, n)
	t.delayed += time.Since(start)
	return err
}

func (t *throttled) WriteHeader(status int) {
	if !t.wrote {
		t.wrote = true
		if t.delayed > 0 {
			t.Header().Set("x-oss-qos-delay-time", strconv.FormatInt(t.delayed.Milliseconds(), 10))
		}
	}
	t.ResponseWriter.WriteHeader(status)
}

func (t *throttled) Write(b []byte) (int, error) {
	if !t.wrote {
		t.WriteHeader(http.StatusOK)
	}
	written := 0
	for len(b) > 0 {
		n := min(len(b), t.burst)
		if err := t.wait(n); err != nil {
			return written, err
		}
		m, err := t.ResponseWriter.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

type throttledBody struct {
	io.ReadCloser
	t *throttled
}

func (b *throttledBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p[:min(len(p), b.t.burst)])
	if n > 0 {
		if werr := b.t.wait(n); werr != nil {
			return n, werr
		}
	}
	return n, err
}
