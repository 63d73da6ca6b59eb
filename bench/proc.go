package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a benchmark server running as a child process.
type Server struct {
	Addr string // host:port on 127.0.0.1, as the server announced it
	cmd  *exec.Cmd
	done chan error
}

// StartServer starts argv with env added to the current environment and
// waits (at most 10 s) for its first stdout line, a JSON object
// {"addr": "127.0.0.1:port"}. The caller must Stop the server.
func StartServer(ctx context.Context, argv, env []string) (*Server, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", argv[0], err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", argv[0], err)
	}
	s := &Server{cmd: cmd, done: make(chan error, 1)}
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		l, _ := r.ReadString('\n')
		line <- l
		_, _ = io.Copy(io.Discard, r)
		s.done <- cmd.Wait()
	}()
	select {
	case l := <-line:
		var a struct{ Addr string }
		if err := json.Unmarshal([]byte(l), &a); err != nil || a.Addr == "" {
			s.Stop()
			return nil, fmt.Errorf("bench: %s announced no address: %q", argv[0], l)
		}
		s.Addr = a.Addr
		return s, nil
	case <-time.After(10 * time.Second):
		s.Stop()
		return nil, fmt.Errorf("bench: %s did not announce its address in 10s", argv[0])
	}
}

// Pid is the server's process id (the pinned process itself: taskset and
// env exec the program in place).
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop ends the server with SIGTERM, then SIGKILL after 3 s.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Pinned returns argv run on the given CPU by taskset when taskset exists,
// and argv unchanged (and false) otherwise.
func Pinned(cpu int, argv ...string) ([]string, bool) {
	ts, err := exec.LookPath("taskset")
	if err != nil {
		return argv, false
	}
	return append([]string{ts, "-c", strconv.Itoa(cpu)}, argv...), true
}

// ProcStatusKB reads one "kB" field (VmHWM, VmRSS...) of /proc/<pid>/status.
func ProcStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("bench: no " + field + " in /proc/" + strconv.Itoa(pid) + "/status")
}
