package testdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// postgres runs as the postgres system user when the tests run as root:
// initdb and postgres refuse to run as root.
var postgres = kind{
	scheme: "postgres",
	runAs:  "postgres",
	initialise: func(s *Server, bin func(string) (string, error)) error {
		initdb, err := bin("initdb")
		if err != nil {
			return err
		}
		pw := filepath.Join(s.dir, "pwfile")
		if err := os.WriteFile(pw, []byte(s.Password+"\n"), 0o600); err != nil {
			return err
		}
		if s.cred != nil {
			if err := os.Chown(pw, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
				return err
			}
		}
		return s.run(context.Background(), true, nil, initdb, "-D", filepath.Join(s.dir, "data"),
			"-U", User, "-A", "scram-sha-256", "--pwfile="+pw, "-E", "UTF8", "--locale=C", "--no-sync")
	},
	command: func(s *Server, bin func(string) (string, error)) (*exec.Cmd, error) {
		p, err := bin("postgres")
		if err != nil {
			return nil, err
		}
		// fsync=off only risks data on an operating-system crash, never on
		// the process kills the tests make.
		return exec.Command(p, "-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.Port), "-k", s.dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"), nil
	},
	ready: func(ctx context.Context, s *Server, bin func(string) (string, error)) error {
		p, err := bin("pg_isready")
		if err != nil {
			return err
		}
		return s.run(ctx, false, nil, p, "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", User, "-d", "postgres")
	},
	provision: func(ctx context.Context, s *Server, bin func(string) (string, error)) error {
		return s.kind.createDB(ctx, s, bin, Database)
	},
	createDB: func(ctx context.Context, s *Server, bin func(string) (string, error), name string) error {
		p, err := bin("createdb")
		if err != nil {
			return err
		}
		return s.run(ctx, false, []string{"PGPASSWORD=" + s.Password}, p,
			"-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", User, name)
	},
}

// mariadb runs as root when the tests do (--user=root), else as the
// caller; --no-defaults keeps the system's my.cnf out.
var mariadb = kind{
	scheme: "mysql",
	initialise: func(s *Server, bin func(string) (string, error)) error {
		p, err := bin("mariadb-install-db")
		if err != nil {
			return err
		}
		args := []string{"--no-defaults", "--datadir=" + filepath.Join(s.dir, "data"),
			"--auth-root-authentication-method=normal", "--skip-test-db"}
		return s.run(context.Background(), false, nil, p, append(args, asRoot()...)...)
	},
	command: func(s *Server, bin func(string) (string, error)) (*exec.Cmd, error) {
		p, err := bin("mariadbd")
		if err != nil {
			return nil, err
		}
		args := []string{"--no-defaults", "--datadir=" + filepath.Join(s.dir, "data"), "--port=" + strconv.Itoa(s.Port),
			"--bind-address=127.0.0.1", "--socket=" + filepath.Join(s.dir, "sock"), "--skip-log-bin",
			"--pid-file=" + filepath.Join(s.dir, "mariadbd.pid"), "--max-connections=200"}
		return exec.Command(p, append(args, asRoot()...)...), nil
	},
	ready: func(ctx context.Context, s *Server, bin func(string) (string, error)) error {
		p, err := bin("mariadb-admin")
		if err != nil {
			return err
		}
		return s.run(ctx, false, nil, p, "--no-defaults", "--socket="+filepath.Join(s.dir, "sock"), "-u", "root", "ping")
	},
	provision: func(ctx context.Context, s *Server, bin func(string) (string, error)) error {
		p, err := bin("mariadb")
		if err != nil {
			return err
		}
		sql := fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s';", User, s.Password)
		if err := s.run(ctx, false, nil, p, "--no-defaults", "--socket="+filepath.Join(s.dir, "sock"), "-u", "root", "-e", sql); err != nil {
			return err
		}
		return s.kind.createDB(ctx, s, bin, Database)
	},
	createDB: func(ctx context.Context, s *Server, bin func(string) (string, error), name string) error {
		p, err := bin("mariadb")
		if err != nil {
			return err
		}
		sql := fmt.Sprintf("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; GRANT ALL PRIVILEGES ON %s.* TO '%s'@'%%';",
			name, name, User)
		return s.run(ctx, false, nil, p, "--no-defaults", "--socket="+filepath.Join(s.dir, "sock"), "-u", "root", "-e", sql)
	},
}

// asRoot is the --user=root that MariaDB needs to run as root.
func asRoot() []string {
	if os.Geteuid() == 0 {
		return []string{"--user=root"}
	}
	return nil
}
