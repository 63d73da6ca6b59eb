package main

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOSSOnlyDefaultsBesideMakeRun checks that -oss-only's default port
// and data directory are not make run's, and that explicit flags win.
func TestOSSOnlyDefaultsBesideMakeRun(t *testing.T) {
	stack, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantPort int
		wantData string
	}{
		{"oss-only", []string{"-oss-only"}, OSSOnlyPort, filepath.Join("local", "data-oss-only")},
		{"oss-only, explicit", []string{"-oss-only", "-oss-port", "9300", "-data", "d"}, 9300, "d"},
		{"stack", nil, 9090, filepath.Join("local", "data")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if o.cfg.OSSPort != tt.wantPort || o.cfg.DataDir != tt.wantData {
				t.Errorf("got port %d, data %q; want %d, %q", o.cfg.OSSPort, o.cfg.DataDir, tt.wantPort, tt.wantData)
			}
		})
	}
	if OSSOnlyPort == stack.cfg.OSSPort || OSSOnlyPort == stack.cfg.SignPort {
		t.Errorf("-oss-only's default port %d collides with make run's (%d, %d)", OSSOnlyPort, stack.cfg.SignPort, stack.cfg.OSSPort)
	}
}

// TestPortInUseNamesTheFlag occupies a port and starts the launcher on it:
// the error names the flag that moves it.
func TestPortInUseNamesTheFlag(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	code := t.TempDir() // runStack wants a bootstrap; the listen fails first
	if err := os.WriteFile(filepath.Join(code, "bootstrap"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"oss-only", []string{"-oss-only", "-oss-port", port}, "-oss-port"},
		{"stack, sign port", []string{"-sign-port", port, "-oss-port", "0", "-code", code}, "-sign-port"},
		{"stack, oss port", []string{"-sign-port", "0", "-oss-port", port, "-code", code}, "-oss-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "-data", t.TempDir(), "-log-level", "error", "-max-life", "20s")
			err := run(args, strings.NewReader(""), io.Discard, io.Discard)
			want := "port " + port + " is already in use"
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.flag+" N") {
				t.Fatalf("got %v, want an error saying %q and naming %s", err, want, tt.flag)
			}
		})
	}
}
