package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// SFailure is a run of the Serverless Devs CLI that exited non-zero: its
// exit status, its own error text (the "✖ [resource] failed to [command]:"
// and "Error Message:" block it prints, colours removed) and the directory
// of the log it names ("Logs:"), empty when it named none.
type SFailure struct {
	Command  string // e.g. "s deploy"
	ExitCode int
	Text     string
	LogDir   string
}

func (f *SFailure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed (exit status %d)", f.Command, f.ExitCode)
	if f.Text != "" {
		b.WriteString(":\n" + f.Text)
	}
	if f.LogDir != "" {
		b.WriteString("\ns log: " + f.LogDir)
	}
	return b.String()
}

// RunS runs the s CLI bin with args and returns its standard output when
// it exits 0. Otherwise the error is an *SFailure holding the CLI's own
// error text, taken from what it printed (on standard output with
// --silent -o json, on standard error otherwise), or the error of starting
// it.
func RunS(ctx context.Context, bin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err == nil {
		return stdout.Bytes(), nil
	}
	command := "s"
	if len(args) > 0 {
		command += " " + args[0]
	}
	if !errors.As(err, &exit) {
		return nil, fmt.Errorf("deploy: %s: %w", command, err)
	}
	f := ParseSFailure(stdout.String() + "\n" + stderr.String())
	f.Command, f.ExitCode = command, exit.ExitCode()
	return nil, f
}

var (
	ansi    = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	logLine = regexp.MustCompile(`^Logs:\s+(\S.*?)\s*$`)
)

// noise are lines of the CLI's output that say nothing about the failure.
var noise = []string{
	"A complete log of this run can be found in:",
	"Env:",
	"Feedback:",
	"not recommended to run the command as root",
}

// ParseSFailure extracts the error text and log directory from what a
// failed s run printed. The text is every line from the first "✖" or
// "Error Message:" line on, without blank lines and the footer the CLI adds
// to every failure (log, Env, Feedback); when there is no such line, it is
// all of the output, cleaned the same way.
func ParseSFailure(out string) *SFailure {
	f := &SFailure{}
	var all, from []string
	started := false
	sc := bufio.NewScanner(strings.NewReader(ansi.ReplaceAllString(out, "")))
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if m := logLine.FindStringSubmatch(line); m != nil {
			f.LogDir = m[1]
			continue
		}
		if strings.TrimSpace(line) == "" || hasAny(line, noise) {
			continue
		}
		if strings.HasPrefix(line, "✖") || strings.HasPrefix(line, "Error Message:") {
			started = true
		}
		all = append(all, line)
		if started {
			from = append(from, line)
		}
	}
	if len(from) == 0 {
		from = all
	}
	f.Text = strings.Join(from, "\n")
	return f
}

func hasAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
