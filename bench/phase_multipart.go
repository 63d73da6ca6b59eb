package bench

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/shaper"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// The large-upload measurements: a MultipartSize file through MobileLink
// (each connection 2 MB/s, 12 MB/s in all, 40 ms added each way) to the
// real stack, in parts of MultipartPart.
const (
	MultipartSize  = 256 << 20
	MultipartPart  = 5 << 20
	mpInFlight     = 4
	mpProfilesJSON = `{"video":{"types":["video/mp4"],"maxSize":536870912,"multipart":{"partSize":5242880,"threshold":10485760}},` +
		`"whole":{"types":["video/mp4"],"maxSize":536870912}}`
)

// MobileLink is the shaped link of the multipart phase.
var MobileLink = shaper.Config{PerConn: 2e6, Total: 12e6, Latency: 40 * time.Millisecond}

// mpEnv is the multipart phase's setup: the stack; the client's link to
// OSS (shaper → counting proxy → OSS endpoint) and to the sign function
// (its own shaper, same settings); the file.
type mpEnv struct {
	st               *stack.Stack
	count            *countingProxy
	ossLink, signURL string
	oss              *shaper.Proxy // the OSS link
	links            []*shaper.Proxy
	file             string
	bucket           *oss.Bucket
}

func (e *mpEnv) close() {
	for _, l := range e.links {
		_ = l.Close()
	}
	if e.count != nil {
		_ = e.count.Close()
	}
	if e.st != nil {
		e.st.Close()
	}
}

// Multipart measures large uploads through MobileLink: ossgate's
// mini-program module with 4 parts in flight against one form POST of the
// file and against ali-oss's multipartUpload (parallel 4, the same part
// size, STS-style credentials); the bytes sent again when the client is
// killed at 50 % and started again (1 and 4 parts in flight); the module's
// part memory. One run each: every run moves 256 MiB at ≤ 12 MB/s.
func (r *Runner) Multipart(ctx context.Context) error {
	e, err := r.startMultipartEnv(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	cmd := "go run ./bench/cmd/ossgate-bench -phases multipart (link perconn=2MB,total=12MB,latency=40ms; clients/test/mp-child.js; bench/node-alt/multipart.js)"
	mp, reads, err := r.mpUpload(ctx, e, "mp-4", map[string]any{"profile": "video", "multipartThreshold": 1, "partConcurrency": mpInFlight, "measure": true}, true)
	if err != nil {
		return err
	}
	form, _, err := r.mpUpload(ctx, e, "form", map[string]any{"profile": "whole"}, false)
	if err != nil {
		return err
	}
	ali, err := r.aliOSSUpload(ctx, e)
	if err != nil {
		return err
	}
	mbps := func(ms float64) float64 { return MultipartSize / 1e6 / (ms / 1000) }
	r.Results.Add(Figure{ID: "multipart_4_mbps", What: "256 MiB through the mobile link: ossgate multipart, 4 parts in flight", Value: mbps(mp), Unit: "MB/s", Command: cmd})
	r.Results.Add(Figure{ID: "multipart_form_mbps", What: "256 MiB through the mobile link: one form POST", Value: mbps(form), Unit: "MB/s", Command: cmd})
	r.Results.Add(Figure{ID: "multipart_alioss_mbps", What: "256 MiB through the mobile link: ali-oss multipartUpload, parallel 4, 5 MiB parts", Value: mbps(ali), Unit: "MB/s", Command: cmd})
	r.Results.Add(Targeted(Figure{ID: "multipart_vs_form", What: "ossgate multipart (4 in flight) / one form POST, throughput", Value: form / mp, Unit: "×", Command: cmd}, "≥ 3×", form/mp >= 3))
	r.Results.Add(Targeted(Figure{ID: "multipart_vs_alioss", What: "ossgate multipart / ali-oss multipartUpload, throughput", Value: ali / mp, Unit: "×", Command: cmd}, "≥ 1.0×", ali/mp >= 1))
	r.memoryFigure(reads, cmd)
	for _, conc := range []int{1, mpInFlight} {
		for _, drop := range []bool{false, true} {
			if err := r.killAndResume(ctx, e, conc, drop, cmd); err != nil {
				r.Skip(fmt.Sprintf("multipart kill at 50%%, %d in flight, drop %v", conc, drop), err)
			}
		}
	}
	return nil
}

func (r *Runner) startMultipartEnv(ctx context.Context) (*mpEnv, error) {
	code, err := r.codeDir(ctx)
	if err != nil {
		return nil, err
	}
	e := &mpEnv{file: filepath.Join(r.Work, "upload.mp4")}
	if err := writeMP4(e.file, MultipartSize); err != nil {
		return nil, err
	}
	if e.count, err = startCountingProxy(); err != nil {
		return nil, err
	}
	oLink, err := shaper.Start(e.count.URL[len("http://"):], MobileLink)
	if err != nil {
		e.close()
		return nil, err
	}
	e.links, e.ossLink, e.oss = append(e.links, oLink), "http://"+oLink.Addr, oLink
	e.st, err = stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "mp-data"), Anonymous: true,
		Env: []string{"OSSGATE_PROFILES=" + mpProfilesJSON}, SignEnv: []string{"OSSGATE_ENDPOINT=" + e.ossLink}})
	if err != nil {
		e.close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := e.count.setTarget(e.st.OSSURL); err != nil {
		e.close()
		return nil, err
	}
	sLink, err := shaper.Start(e.st.SignURL[len("http://"):], MobileLink)
	if err != nil {
		e.close()
		return nil, err
	}
	e.links, e.signURL = append(e.links, sLink), "http://"+sLink.Addr+"/sign"
	k := e.st.AccessKey()
	if e.bucket, err = testutil.OSSBucket(e.st.OSSURL, e.st.Bucket, k.AccessKeyID, k.AccessKeySecret); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// mpUpload uploads the file with mp-child.js and cfg, checks the object,
// removes it, and returns the upload's milliseconds and the part reads.
func (r *Runner) mpUpload(ctx context.Context, e *mpEnv, name string, cfg map[string]any, gc bool) (float64, []mpLine, error) {
	cfg["signUrl"], cfg["path"], cfg["size"], cfg["timeoutMs"] = e.signURL, e.file, MultipartSize, 600_000
	cfg["storageFile"] = filepath.Join(r.Work, name+".json")
	run, err := r.startMPChild(ctx, cfg, gc)
	if err != nil {
		return 0, nil, err
	}
	res, reads, err := run.wait()
	if err != nil {
		return 0, nil, err
	}
	r.logf("multipart %s: %.1f s", name, res.Ms/1000)
	return res.Ms, reads, e.checkAndRemove(res.Key)
}

// checkAndRemove checks that key holds the whole file and deletes it.
func (e *mpEnv) checkAndRemove(key string) error {
	h, err := e.bucket.GetObjectDetailedMeta(key)
	if err != nil {
		return fmt.Errorf("bench: %s: %w", key, err)
	}
	if h.Get("Content-Length") != fmt.Sprint(MultipartSize) {
		return fmt.Errorf("bench: %s: %s bytes, want %d", key, h.Get("Content-Length"), MultipartSize)
	}
	return e.bucket.DeleteObject(key)
}

// aliOSSUpload uploads the file with bench/node-alt/multipart.js through
// the same link, with STS-style credentials registered with the local OSS.
func (r *Runner) aliOSSUpload(ctx context.Context, e *mpEnv) (float64, error) {
	c := ossemu.Credential{AccessKeyID: "STS.bench-alioss", AccessKeySecret: "bench-alioss-secret", SecurityToken: "bench-alioss-token", Expires: time.Now().Add(time.Hour)}
	e.st.OSS.AddCredential(c)
	in, _ := json.Marshal(map[string]any{"endpoint": e.ossLink, "bucket": e.st.Bucket, "region": e.st.Region,
		"accessKeyId": c.AccessKeyID, "accessKeySecret": c.AccessKeySecret, "stsToken": c.SecurityToken,
		"file": e.file, "key": "uploads/video/alioss/bench.mp4", "partSize": MultipartPart, "parallel": mpInFlight})
	out, err := exec.CommandContext(ctx, "node", filepath.Join(r.Root, "bench", "node-alt", "multipart.js"), string(in)).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return 0, fmt.Errorf("bench: ali-oss multipartUpload: %w: %s", err, ee.Stderr)
		}
		return 0, err
	}
	var res struct{ Ms float64 }
	if err := json.Unmarshal(out, &res); err != nil {
		return 0, fmt.Errorf("bench: multipart.js printed %q", out)
	}
	r.logf("multipart ali-oss: %.1f s", res.Ms/1000)
	return res.Ms, e.checkAndRemove("uploads/video/alioss/bench.mp4")
}

// killAndResume kills the client once half the file crossed the link,
// starts it again, and reports the part bytes that crossed the link beyond
// the file's size: what the kill cost. Without drop the killed process's
// connections deliver what its kernel still held, as when an OS kills an
// app on a working network; with drop the link cuts them at the kill, as
// when the network goes too, and the parts in flight are lost.
func (r *Runner) killAndResume(ctx context.Context, e *mpEnv, conc int, drop bool, cmd string) error {
	cfg := func() map[string]any {
		return map[string]any{"profile": "video", "multipartThreshold": 1, "partConcurrency": conc,
			"signUrl": e.signURL, "path": e.file, "size": MultipartSize, "timeoutMs": 600_000,
			"storageFile": filepath.Join(r.Work, fmt.Sprintf("kill-%d.json", conc))}
	}
	base := e.count.Bytes()
	first, err := r.startMPChild(ctx, cfg(), false)
	if err != nil {
		return err
	}
	if err := first.killWhen(func() bool { return e.count.Bytes()-base >= MultipartSize/2 }); err != nil {
		return err
	}
	if drop {
		e.oss.Reset()
	}
	killedAt := e.count.Bytes() - base
	e.settle() // the killed process's connections deliver what its kernel still held, or end
	second, err := r.startMPChild(ctx, cfg(), false)
	if err != nil {
		return err
	}
	res, _, err := second.wait()
	if err != nil {
		return err
	}
	resent := float64(e.count.Bytes() - base - MultipartSize)
	bound := float64(MultipartPart) + 0.01*MultipartSize
	id, what := fmt.Sprintf("multipart_resent_%d_mib", conc), "the network stays up"
	if drop {
		id, what = fmt.Sprintf("multipart_resent_%d_drop_mib", conc), "the network drops at the kill"
	}
	r.logf("multipart kill at 50%%, %d in flight, %s: killed after %d bytes, %.0f bytes sent again", conc, what, killedAt, resent)
	r.Results.Add(Targeted(Figure{ID: id,
		What:  fmt.Sprintf("killed at 50 %% and started again, %d part(s) in flight, %s: part bytes sent again", conc, what),
		Value: resent / (1 << 20), Unit: "MiB", Command: cmd,
		Note: fmt.Sprintf("PUT body bytes that reached OSS beyond the file's 256 MiB; the parts in flight at the kill (%d) are lost when their connections are cut", conc)},
		"≤ one part + 1 % (7.56 MiB)", resent <= bound))
	return e.checkAndRemove(res.Key)
}

// settle waits until no body byte has crossed the link for a second (at
// most a minute).
func (e *mpEnv) settle() {
	for i, last := 0, int64(-1); i < 120; i++ {
		n := e.count.Bytes()
		if n == last {
			return
		}
		last = n
		time.Sleep(500 * time.Millisecond)
	}
}

// memoryFigure reports the mini-program module's part memory during the
// 4-in-flight upload, measured after a collection before each part read:
// the part buffers still reachable (the new one included), which the
// target bounds, and the process's whole ArrayBuffer memory, which also
// holds backing stores V8 has not released yet.
func (r *Runner) memoryFigure(reads []mpLine, cmd string) {
	var live, ab int64
	for _, l := range reads {
		live, ab = max(live, l.LiveBytes), max(ab, l.ArrayBuffers)
	}
	bound := int64(mpInFlight*MultipartPart + 1<<20)
	cmd += " (mp-child.js measure, --expose-gc)"
	r.Results.Add(Targeted(Figure{ID: "multipart_mp_part_memory_mib", What: "mini-program module, 4 parts of 5 MiB in flight: part buffers alive at once, at the peak",
		Value: float64(live) / (1 << 20), Unit: "MiB", Command: cmd}, "≤ 21 MiB (4 × 5 MiB + 1 MiB)", live <= bound))
	r.Results.Add(Figure{ID: "multipart_mp_arraybuffers_mib", What: "the same process: all ArrayBuffer memory at the peak (process.memoryUsage), unreleased backing stores included",
		Value: float64(ab) / (1 << 20), Unit: "MiB", Command: cmd})
}

// writeMP4 writes size bytes opening like an MP4 file (the record function
// checks content), then random.
func writeMP4(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"); err != nil {
		return err
	}
	_, err = io.CopyN(f, rand.Reader, size-24)
	return err
}
