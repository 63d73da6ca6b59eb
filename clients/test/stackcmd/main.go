// Command stackcmd starts the offline stack (local/stack) for the clients'
// Node tests: 127.0.0.1 on random ports, anonymous signing, a throw-away data
// directory, and extra function environment (-env KEY=VALUE, repeatable; for
// example OSSGATE_PROFILES). Once every function instance is ready it prints
// one JSON line {"signURL","demoURL","ossURL","bucket","dataDir","readerKeyId",
// "readerSecret"} on stdout: the reader key is a random local credential the
// test may use to read objects back from the local OSS endpoint.
// It stops when its standard input closes (so it never outlives the test
// that spawned it), on SIGINT/SIGTERM, or after -max-life.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// envFlags collects repeated -env KEY=VALUE flags.
type envFlags []string

func (e *envFlags) String() string { return strings.Join(*e, " ") }

func (e *envFlags) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

// ready is the line printed once the stack serves.
type ready struct {
	SignURL string `json:"signURL"`
	DemoURL string `json:"demoURL"`
	OSSURL  string `json:"ossURL"`
	Bucket  string `json:"bucket"`
	DataDir string `json:"dataDir"`
	// ReaderKeyID and ReaderSecret are a random credential ossemu accepts.
	ReaderKeyID  string `json:"readerKeyId"`
	ReaderSecret string `json:"readerSecret"`
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stackcmd:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var env envFlags
	fs := flag.NewFlagSet("stackcmd", flag.ContinueOnError)
	code := fs.String("code", filepath.Join("build", "code"), "code package holding bootstrap and ossgate")
	demo := fs.String("demo", "clients", "clients directory served at /demo/")
	maxLife := fs.Duration("max-life", 5*time.Minute, "stop after this long in any case")
	verbose := fs.Bool("v", false, "copy the functions' output and the emulators' logs to stderr")
	fs.Var(&env, "env", "KEY=VALUE added to both functions' environment (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.MkdirTemp("", "ossgate-clients-stack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	cfg := stack.Config{CodeDir: *code, DataDir: data, DemoDir: *demo, Anonymous: true, Env: env}
	if cfg.CodeDir, err = filepath.Abs(cfg.CodeDir); err != nil {
		return err
	}
	if *verbose {
		cfg.Output = stderr
		cfg.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *maxLife)
	defer cancel()
	startCtx, cancelStart := context.WithTimeout(ctx, time.Minute)
	defer cancelStart()
	st, err := stack.Start(startCtx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	r := ready{SignURL: st.SignURL, DemoURL: st.DemoURL, OSSURL: st.OSSURL, Bucket: st.Bucket, DataDir: st.DataDir,
		ReaderKeyID: "clients-test-reader", ReaderSecret: hex.EncodeToString(secret)}
	st.OSS.AddCredential(ossemu.Credential{AccessKeyID: r.ReaderKeyID, AccessKeySecret: r.ReaderSecret})
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(line))

	go func() {
		_, _ = io.Copy(io.Discard, stdin) // returns when the parent closes stdin or dies
		cancel()
	}()
	<-ctx.Done()
	return nil
}
