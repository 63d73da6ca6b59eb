// Package testdb starts throw-away database servers for tests: PostgreSQL
// and MariaDB from the machine's own packages (Debian's postgresql and
// mariadb-server, which `make deps` installs), each in a temporary
// directory, listening on a free port of 127.0.0.1 only, with a database
// "ossgate" and a password-protected user of the same name.
//
// A Server can be killed and restarted on the same port and data, which is
// how the record store's crash tests take the database away mid-run.
package testdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Kind names a database server.
type Kind string

// The kinds Start knows.
const (
	Postgres Kind = "postgres"
	MariaDB  Kind = "mariadb"
)

// Kinds lists every kind, in a fixed order.
var Kinds = []Kind{MariaDB, Postgres}

// Database and User name the database and the user every server is given.
const (
	Database = "ossgate"
	User     = "ossgate"
)

// startTimeout bounds how long a server may take to answer after start.
const startTimeout = 60 * time.Second

// Server is one running (or stopped) database server. Its methods are safe
// for concurrent use.
type Server struct {
	Kind     Kind
	Port     int
	Password string // the password of User

	dir  string
	kind kind
	cred *syscall.Credential // the user the server runs as, when the tests run as root

	mu  sync.Mutex
	cmd *exec.Cmd
	log *os.File
}

// DSN returns the server's URL for User on Database:
// postgres://ossgate:PW@127.0.0.1:PORT/ossgate?sslmode=disable or
// mysql://ossgate:PW@127.0.0.1:PORT/ossgate.
func (s *Server) DSN() string { return s.dsnOf(Database) }

// dsnOf returns the server's URL for User on database db.
func (s *Server) dsnOf(db string) string {
	u := url.URL{
		Scheme: s.kind.scheme,
		User:   url.UserPassword(User, s.Password),
		Host:   net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)),
		Path:   "/" + db,
	}
	if s.Kind == Postgres {
		u.RawQuery = "sslmode=disable"
	}
	return u.String()
}

// NewDatabase creates a database of its own on the server, for one test
// among several that share the server, and returns its DSN (as DSN's, for
// User).
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	name := "t" + randomHex(6)
	if err := s.kind.createDB(ctx, s, s.bin, name); err != nil {
		return "", fmt.Errorf("testdb: %s: create database: %w", s.Kind, err)
	}
	return s.dsnOf(name), nil
}

// Dir is the temporary directory holding the server's data, socket and log.
func (s *Server) Dir() string { return s.dir }

// kind is what differs between the servers.
type kind struct {
	scheme string
	// runAs is the system user the server must run as when the tests run
	// as root ("" runs it as root).
	runAs string
	// initialise creates the data directory; bin finds the server's tools.
	initialise func(s *Server, bin func(string) (string, error)) error
	// command is the server process, in the foreground.
	command func(s *Server, bin func(string) (string, error)) (*exec.Cmd, error)
	// ready runs a client against the server once; nil means it answers.
	ready func(ctx context.Context, s *Server, bin func(string) (string, error)) error
	// provision creates Database and User on a fresh server.
	provision func(ctx context.Context, s *Server, bin func(string) (string, error)) error
	// createDB creates database name, which User may use.
	createDB func(ctx context.Context, s *Server, bin func(string) (string, error), name string) error
}

var kinds = map[Kind]kind{Postgres: postgres, MariaDB: mariadb}

// Start initialises and starts a server of kind k in a new temporary
// directory under os.TempDir. The caller must Close it.
func Start(ctx context.Context, k Kind) (*Server, error) {
	kd, ok := kinds[k]
	if !ok {
		return nil, fmt.Errorf("testdb: unknown kind %q", k)
	}
	s := &Server{Kind: k, kind: kd, Password: randomHex(12)}
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	if err := kd.initialise(s, s.bin); err != nil {
		s.removeDir()
		return nil, fmt.Errorf("testdb: %s: initialise: %w", k, err)
	}
	if err := s.startOnFreePort(ctx); err != nil {
		s.removeDir()
		return nil, err
	}
	if err := kd.provision(ctx, s, s.bin); err != nil {
		s.Close()
		return nil, fmt.Errorf("testdb: %s: provision: %w", k, err)
	}
	return s, nil
}

// prepareDir makes the server's directory, owned by the user it runs as.
func (s *Server) prepareDir() error {
	dir, err := os.MkdirTemp("", "ossgate-"+string(s.Kind)+"-")
	if err != nil {
		return fmt.Errorf("testdb: %w", err)
	}
	s.dir = dir
	if os.Geteuid() != 0 || s.kind.runAs == "" {
		return nil
	}
	u, err := user.Lookup(s.kind.runAs)
	if err != nil {
		s.removeDir()
		return fmt.Errorf("testdb: %s must run as user %q when the tests run as root: %w", s.Kind, s.kind.runAs, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if err := os.Chown(dir, uid, gid); err != nil {
		s.removeDir()
		return fmt.Errorf("testdb: %w", err)
	}
	return nil
}

func (s *Server) removeDir() { _ = os.RemoveAll(s.dir) }

// startOnFreePort picks a free loopback port and starts the server on it,
// trying another port when one was taken in between.
func (s *Server) startOnFreePort(ctx context.Context) error {
	var err error
	for range 3 {
		if s.Port, err = freePort(); err != nil {
			return err
		}
		if err = s.Restart(ctx); err == nil {
			return nil
		}
	}
	return err
}

// Restart starts the server again on its port and data, after Stop or
// Kill, and waits until it answers. It is an error if it is running.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("testdb: %s is running", s.Kind)
	}
	cmd, err := s.kind.command(s, s.bin)
	if err != nil {
		return fmt.Errorf("testdb: %s: %w", s.Kind, err)
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("testdb: %w", err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group, so that Kill takes every process of the
	// server; killed with the test binary, so none outlives a crashed run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: s.cred}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("testdb: start %s: %w", s.Kind, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.cmd, s.log = cmd, log
	if err := s.waitReady(ctx, exited); err != nil {
		s.killLocked()
		return fmt.Errorf("testdb: %s on port %d did not start: %w\n%s", s.Kind, s.Port, err, s.logTail())
	}
	// Reap the process when it ends, whoever ends it.
	go func() { <-exited }()
	return nil
}

// waitReady polls the server with its client until it answers, the
// process exits, or startTimeout passes.
func (s *Server) waitReady(ctx context.Context, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("exited: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("%w (last check: %v)", ctx.Err(), last)
		case <-tick.C:
			if last = s.kind.ready(ctx, s, s.bin); last == nil {
				return nil
			}
		}
	}
}

// Stop shuts the server down cleanly and waits for it, at most 30 s before
// killing it. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	pid := s.cmd.Process.Pid
	// SIGINT is PostgreSQL's fast shutdown; SIGTERM MariaDB's normal one.
	sig := syscall.SIGTERM
	if s.Kind == Postgres {
		sig = syscall.SIGINT
	}
	_ = syscall.Kill(pid, sig)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && groupAlive(pid) {
		time.Sleep(50 * time.Millisecond)
	}
	s.killLocked()
	return nil
}

// Kill ends every process of the server at once with SIGKILL, as a crash
// would, and waits until they are gone.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

func (s *Server) killLocked() {
	if s.cmd == nil {
		return
	}
	pid := s.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	for i := 0; i < 200 && groupAlive(pid); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	s.log.Close()
	s.cmd, s.log = nil, nil
}

// groupAlive reports whether any process of the process group pgid is left.
func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) == nil
}

// Close stops the server and removes its directory.
func (s *Server) Close() error {
	err := s.Stop()
	s.removeDir()
	return err
}

// logTail returns the last 4 KB of the server's log.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(b)
}

// run runs a tool of the server's to completion (as the server's user when
// asUser), returning its output in the error when it fails.
func (s *Server) run(ctx context.Context, asUser bool, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), env...)
	if asUser {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(name), err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// bin finds a server tool by name: on PATH, in /usr/sbin, or in the newest
// /usr/lib/postgresql/N/bin.
func (s *Server) bin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil && s.Kind != Postgres {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range append(dirs, "/usr/sbin", "/usr/bin") {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found: install Debian's %s package (make deps)", name, map[Kind]string{Postgres: "postgresql", MariaDB: "mariadb-server"}[s.Kind])
}

// pgMajor returns N of /usr/lib/postgresql/N/bin, 0 if it is not a number.
func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testdb: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}
