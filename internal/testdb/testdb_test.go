package testdb

import (
	"context"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// query runs sql as User over TCP with the server's own command-line
// client and returns its output.
func query(t *testing.T, s *Server, sql string) (string, error) {
	t.Helper()
	u, err := url.Parse(s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := u.User.Password()
	var cmd *exec.Cmd
	switch s.Kind {
	case Postgres:
		p, err := s.bin("psql")
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(p, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", u.Hostname(), "-p", u.Port(),
			"-U", u.User.Username(), "-d", strings.TrimPrefix(u.Path, "/"), "-c", sql)
		cmd.Env = append(cmd.Environ(), "PGPASSWORD="+pw)
	case MariaDB:
		p, err := s.bin("mariadb")
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(p, "--no-defaults", "-N", "-B", "-h", u.Hostname(), "-P", u.Port(),
			"-u", u.User.Username(), "-p"+pw, strings.TrimPrefix(u.Path, "/"), "-e", sql)
	}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// TestServers starts each kind, writes a row as the ossgate user over TCP,
// kills the server as a crash would, restarts it and reads the row back.
func TestServers(t *testing.T) {
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := Require(t, k)
			if _, err := query(t, s, "CREATE TABLE t (v INT); INSERT INTO t VALUES (42);"); err != nil {
				t.Fatalf("create: %v", err)
			}
			s.Kill()
			if out, err := query(t, s, "SELECT v FROM t"); err == nil {
				t.Fatalf("after Kill: query answered %q, want a refused connection", out)
			}
			if err := s.Restart(context.Background()); err != nil {
				t.Fatalf("Restart: %v", err)
			}
			out, err := query(t, s, "SELECT v FROM t")
			if err != nil || out != "42" {
				t.Fatalf("after restart: got %q, %v; want 42", out, err)
			}
			if err := s.Restart(context.Background()); err == nil {
				t.Error("Restart of a running server: got nil, want an error")
			}
		})
	}
}

// TestWrongPasswordRefused shows the DSN's password is required: the
// servers do not trust loopback connections.
func TestWrongPasswordRefused(t *testing.T) {
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := Require(t, k)
			good := s.Password
			s.Password = "wrong"
			defer func() { s.Password = good }()
			if out, err := query(t, s, "SELECT 1"); err == nil {
				t.Errorf("wrong password: got %q, want a refusal", out)
			}
		})
	}
}

// TestCloseRemovesEverything: no process and no file is left behind.
func TestCloseRemovesEverything(t *testing.T) {
	s, err := Start(context.Background(), Postgres)
	if err != nil {
		t.Skipf("postgres: %v", err)
	}
	s.mu.Lock()
	pid := s.cmd.Process.Pid
	s.mu.Unlock()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if groupAlive(pid) {
		t.Errorf("process group %d alive after Close", pid)
	}
	if _, err := exec.Command("test", "-e", s.Dir()).CombinedOutput(); err == nil {
		t.Errorf("%s exists after Close", s.Dir())
	}
}
