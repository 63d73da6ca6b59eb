package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/local/ossemu"
)

// ossOnlyInfo is the one JSON line -oss-only prints on stdout: everything a
// client needs to use the endpoint.
type ossOnlyInfo struct {
	Endpoint        string `json:"endpoint"`
	Bucket          string `json:"bucket"`
	Region          string `json:"region"`
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
}

// serveOSSOnly starts ossemu on 127.0.0.1:-oss-port (0 = a free port) with
// the -bucket, -region and -data of o and a fresh long-term AccessKey pair
// (-bucket may name several buckets, comma-separated, for tests that copy
// between buckets; the line names the first),
// prints exactly one line, the JSON of ossOnlyInfo, on stdout, logs to
// logger, and serves until ctx ends (SIGINT, SIGTERM, -max-life,
// -until-stdin-closes).
func serveOSSOnly(ctx context.Context, o options, logger *slog.Logger, stdout io.Writer) error {
	dataDir, err := filepath.Abs(o.cfg.DataDir)
	if err != nil {
		return err
	}
	buckets := strings.Split(o.cfg.Bucket, ",")
	srv, err := ossemu.New(ossemu.Config{
		DataDir: dataDir, Region: o.cfg.Region, Buckets: buckets,
		Logger: logger,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	info := ossOnlyInfo{Bucket: buckets[0], Region: o.cfg.Region, AccessKeyID: "LTAI" + randomHex(12), AccessKeySecret: randomHex(15)}
	srv.AddCredential(ossemu.Credential{AccessKeyID: info.AccessKeyID, AccessKeySecret: info.AccessKeySecret})
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.cfg.OSSPort)))
	if err != nil {
		return portHint(err, map[int]string{o.cfg.OSSPort: "-oss-port"})
	}
	info.Endpoint = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	line, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-done:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
