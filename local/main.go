// Command local runs ossgate offline on 127.0.0.1 (`make run` builds the
// function first, then runs `go run ./local`): the local OSS endpoint, the
// sign function behind an FC HTTP trigger front with the demo page beside
// it, and the record function on the bucket's OSS trigger. The functions are
// the real binary in build/code, run through bootstrap by the FC runtime
// emulator. Ctrl-C stops everything.
//
// For a program that drives it (the clients' tests), -ready-json replaces the
// banner by one JSON line on stdout once everything answers (see ready), and
// -until-stdin-closes and -max-life bound its life.
package main

import (
	"context"
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

	"github.com/ossgate/ossgate/internal/shaper"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/stack"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	cfg       stack.Config
	logLevel  string
	demoToken string // minted when no OSSGATE_JWT_SECRET is given
	ossOnly   bool   // -oss-only: serve the OSS endpoint alone (ossonly.go)

	readyJSON        bool          // announce with one JSON line instead of the banner
	untilStdinCloses bool          // also stop when standard input closes
	maxLife          time.Duration // also stop after this long; 0 = no limit
	stsControl       bool          // serve the loopback STS test control (stscontrol.go)
	project          string        // s.yaml: the record function's asyncInvokeConfig
	projectSet       bool          // -project given: a missing file is an error, not FC's defaults
}

// OSSOnlyPort is -oss-only's default port: make run's OSS endpoint keeps
// 9090, so both can run at once.
const OSSOnlyPort = 9190

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	c := &o.cfg
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.SignPort, "sign-port", 8080, "port of the sign function's HTTP trigger and the demo page (0 = random)")
	fs.IntVar(&c.OSSPort, "oss-port", 9090, fmt.Sprintf("port of the local OSS endpoint (0 = random; %d with -oss-only)", OSSOnlyPort))
	fs.StringVar(&c.DataDir, "data", filepath.Join("local", "data"), "directory the local OSS endpoint keeps objects in (local/data-oss-only with -oss-only)")
	fs.StringVar(&c.CodeDir, "code", filepath.Join("build", "code"), "code package holding bootstrap and ossgate (make build)")
	fs.StringVar(&c.DemoDir, "demo", "clients", "clients directory whose web/ page is served at / (and its built package, dist/package, at /demo/pkg/)")
	fs.StringVar(&c.Bucket, "bucket", "ossgate-local", "bucket name")
	fs.StringVar(&c.Region, "region", "cn-hangzhou", "region")
	fs.IntVar(&c.SignInstances, "sign-instances", 2, "sign function instances")
	fs.BoolVar(&c.Callback, "callback", true, "tickets ask the local OSS to call the sign function back, so an upload's answer carries its checked record (OSSGATE_CALLBACK_URL)")
	fs.BoolVar(&c.Anonymous, "anonymous", true, "let the sign function sign for anyone (OSSGATE_ALLOW_ANONYMOUS)")
	fs.StringVar(&o.logLevel, "log-level", "info", "function and emulator log level: debug, info, warn, error")
	fs.DurationVar(&c.SweepEvery, "sweep-every", time.Hour, "invoke the sweep function this often, as its timer trigger does (0 = never)")
	fs.StringVar(&o.project, "project", "s.yaml", "Serverless Devs project whose record function's asyncInvokeConfig (retries, maximum event age, onFailure) the emulator applies; \"\" applies FC's defaults")
	fs.Func("link", "shape the clients' link to OSS like a phone's, e.g. `perconn=2MB,total=12MB,latency=40ms` (also cut=N@BYTES[xK]: cut every Nth connection after BYTES, K of them at most)", func(spec string) error {
		l, err := shaper.ParseSpec(spec)
		c.Link = &l
		return err
	})
	fs.BoolVar(&o.ossOnly, "oss-only", false, "serve only the local OSS endpoint and print its endpoint, bucket, region and AccessKey pair as one JSON line")
	fs.BoolVar(&o.readyJSON, "ready-json", false, "once everything answers, print one JSON line (URLs, bucket, region, a local AccessKey pair) instead of the banner")
	fs.BoolVar(&o.untilStdinCloses, "until-stdin-closes", false, "also stop when standard input closes (so a parent that dies takes the stack with it)")
	fs.DurationVar(&o.maxLife, "max-life", 0, "also stop after this long (0 = no limit)")
	fs.BoolVar(&o.stsControl, "sts-control", false, "tests only: serve a loopback control that makes the functions' STS credentials expired, invalid or unknown at the local OSS (its URL is stsControlURL in the -ready-json line)")
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o.projectSet = set["project"]
	if o.ossOnly { // its own defaults, so that it runs beside make run
		if !set["oss-port"] {
			c.OSSPort = OSSOnlyPort
		}
		if !set["data"] {
			c.DataDir = filepath.Join("local", "data-oss-only")
		}
	}
	c.JWTSecret = os.Getenv("OSSGATE_JWT_SECRET")
	c.Env = append([]string{"OSSGATE_LOG_LEVEL=" + o.logLevel}, extraEnv...)
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.maxLife > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.maxLife)
		defer cancel()
	}
	if o.untilStdinCloses {
		go func() {
			_, _ = io.Copy(io.Discard, stdin) // returns when the parent closes stdin or dies
			cancel()
		}()
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if o.ossOnly {
		return serveOSSOnly(ctx, o, logger, stdout)
	}
	return runStack(ctx, o, logger, stdout, stderr)
}

// runStack starts the whole stack, announces it and serves until ctx ends.
func runStack(ctx context.Context, o options, logger *slog.Logger, stdout, stderr io.Writer) error {
	var err error
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
	o.cfg.Output, o.cfg.Logger = stderr, logger
	if o.cfg.RecordAsync, err = recordAsync(o.project, o.projectSet); err != nil {
		return err
	}

	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	st, err := stack.Start(startCtx, o.cfg)
	if err != nil {
		return portHint(err, map[int]string{o.cfg.SignPort: "-sign-port", o.cfg.OSSPort: "-oss-port"})
	}
	defer st.Close()
	if err := waitAnswering(startCtx, st); err != nil {
		return err
	}
	controlURL := ""
	if o.stsControl {
		var stopControl func()
		if controlURL, stopControl, err = serveSTSControl(st); err != nil {
			return err
		}
		defer stopControl()
		fmt.Fprintln(stderr, "sts control (tests only):", controlURL)
	}
	say := stdout // the human lines; with -ready-json stdout holds the JSON line only
	if o.readyJSON {
		say = stderr
		if err := writeReady(stdout, st, controlURL); err != nil {
			return err
		}
	} else {
		printBanner(stdout, st, o.cfg.Anonymous, o.demoToken)
	}
	<-ctx.Done()
	fmt.Fprintln(say, "stopping…")
	st.Close()
	fmt.Fprintln(say, "stopped")
	return nil
}

// recordAsync reads the record function's asyncInvokeConfig from the
// project file, so the emulator retries and gives up as FC will. The
// default project missing (a run outside the repository's root) means FC's
// defaults; a -project given must exist.
func recordAsync(project string, given bool) (*fcemu.FC3Async, error) {
	if project == "" {
		return nil, nil
	}
	b, err := os.ReadFile(project)
	if errors.Is(err, os.ErrNotExist) && !given {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-project: %w", err)
	}
	a, ok, err := fcemu.ReadFC3Async(b, "record")
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}
