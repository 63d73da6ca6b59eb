// Command local runs the whole ossgate stack offline on 127.0.0.1 (`make run`
// builds the function first, then runs `go run ./local`): the local OSS
// endpoint, the sign function behind an FC HTTP trigger front with the demo
// page beside it, and the record function on the bucket's OSS trigger. The
// functions are the real binary in build/code, run through bootstrap by the
// FC runtime emulator. Ctrl-C stops everything.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
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

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/local/stack"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
}

type options struct {
	cfg       stack.Config
	logLevel  string
	demoToken string // minted when no OSSGATE_JWT_SECRET is given
	ossOnly   bool   // -oss-only: serve the OSS endpoint alone (ossonly.go)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	c := &o.cfg
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.SignPort, "sign-port", 8080, "port of the sign function's HTTP trigger and the demo page (0 = random)")
	fs.IntVar(&c.OSSPort, "oss-port", 9090, "port of the local OSS endpoint (0 = random)")
	fs.StringVar(&c.DataDir, "data", filepath.Join("local", "data"), "directory the local OSS endpoint keeps objects in")
	fs.StringVar(&c.CodeDir, "code", filepath.Join("build", "code"), "code package holding bootstrap and ossgate (make build)")
	fs.StringVar(&c.DemoDir, "demo", "clients", "clients directory whose web/ page is served at /")
	fs.StringVar(&c.Bucket, "bucket", "ossgate-local", "bucket name")
	fs.StringVar(&c.Region, "region", "cn-hangzhou", "region")
	fs.IntVar(&c.SignInstances, "sign-instances", 2, "sign function instances")
	fs.BoolVar(&c.Anonymous, "anonymous", true, "let the sign function sign for anyone (OSSGATE_ALLOW_ANONYMOUS)")
	fs.StringVar(&o.logLevel, "log-level", "info", "function and emulator log level: debug, info, warn, error")
	fs.BoolVar(&o.ossOnly, "oss-only", false, "serve only the local OSS endpoint and print its endpoint, bucket, region and AccessKey pair as one JSON line")
	var extraEnv []string
	fs.Func("env", "extra `KEY=VALUE` for both functions, e.g. OSSGATE_PROFILES=...; repeatable", func(kv string) error {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("want KEY=VALUE, got %q", kv)
		}
		extraEnv = append(extraEnv, kv)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	c.JWTSecret = os.Getenv("OSSGATE_JWT_SECRET")
	c.Env = append([]string{"OSSGATE_LOG_LEVEL=" + o.logLevel}, extraEnv...)
	return o, nil
}

// demoSession gives a run without OSSGATE_JWT_SECRET a random per-run HS256
// secret and a token for the user "demo", so the demo page can list its own
// uploads (GET /uploads always needs a signed-in caller). The secret lives
// only in this process and the functions it starts.
func demoSession(now time.Time) (secret, token string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("demo secret: %w", err)
	}
	secret = hex.EncodeToString(b)
	token, err = jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   "demo",
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(12 * time.Hour)),
	}).SignedString([]byte(secret))
	if err != nil {
		return "", "", fmt.Errorf("demo token: %w", err)
	}
	return secret, token, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.ossOnly {
		return ossOnly(o, stdout, stderr)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	if _, err := os.Stat(filepath.Join(o.cfg.CodeDir, "bootstrap")); err != nil {
		return fmt.Errorf("no function code in %s (run make build, or make run): %w", o.cfg.CodeDir, err)
	}
	if !o.cfg.Anonymous && o.cfg.JWTSecret == "" {
		return errors.New("-anonymous=false needs OSSGATE_JWT_SECRET (at least 32 bytes) in the environment")
	}
	if o.cfg.JWTSecret == "" {
		if o.cfg.JWTSecret, o.demoToken, err = demoSession(time.Now()); err != nil {
			return err
		}
	}
	if o.cfg.DataDir, err = filepath.Abs(o.cfg.DataDir); err != nil {
		return err
	}
	if o.cfg.CodeDir, err = filepath.Abs(o.cfg.CodeDir); err != nil {
		return err
	}
	o.cfg.Output = stderr
	o.cfg.Logger = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	st, err := stack.Start(startCtx, o.cfg)
	if err != nil {
		return err
	}
	printBanner(stdout, st, o.cfg.Anonymous, o.demoToken)
	<-ctx.Done()
	fmt.Fprintln(stdout, "stopping…")
	st.Close()
	fmt.Fprintln(stdout, "stopped")
	return nil
}

func printBanner(w io.Writer, st *stack.Stack, anonymous bool, demoToken string) {
	fmt.Fprintf(w, `
ossgate local stack is running (Ctrl-C stops it)

  sign endpoint   %[1]s/sign        (POST; also /healthz, /uploads)
  demo page       %[2]s
  OSS endpoint    %[3]s        (path-style: %[3]s/%[4]s/<key>, region %[5]s)
  data directory  %[6]s

`, st.SignURL, st.DemoURL, st.OSSURL, st.Bucket, st.Region, st.DataDir)
	if demoToken != "" {
		fmt.Fprintf(w, "  demo user       %s/demo/web/?token=%s\n"+
			"                  (a per-run HS256 secret and a token for user \"demo\": the page lists its uploads)\n\n",
			st.SignURL, demoToken)
	}
	if anonymous {
		fmt.Fprint(w, "  WARNING: anonymous signing is ON (-anonymous=true): anyone who can reach the sign\n"+
			"  endpoint gets upload tickets. Fine on localhost; never deploy with OSSGATE_ALLOW_ANONYMOUS=true.\n\n")
	}
	fmt.Fprintf(w, `try (size must be the file's exact size in bytes):
  curl -s -X POST %s/sign -H 'Content-Type: application/json' \
    -d '{"profile":"image","files":[{"name":"cat.png","type":"image/png","size":1024}]}'
then post every returned field (-F name=value, in any order) and last -F file=@cat.png to the returned url.

`, st.SignURL)
}
