package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
)

// TestDSNQueryPasswordNeverLogged runs the stack with a records DSN whose
// password is a query parameter (pgx takes password= and sslpassword=), to a
// database that does not answer, and makes the functions use the store:
// the start lines, the "database did not answer" warnings and the logged
// store errors name the database, and none of them, nor anything else the
// stack prints, holds the password.
func TestDSNQueryPasswordNeverLogged(t *testing.T) {
	const secret, passphrase = "Qp-s3cret-in-query", "Key-passphrase-9"
	q := url.Values{"password": {secret}, "sslpassword": {passphrase}}
	dsn := "postgres://ossgate@127.0.0.1:1/records?" + q.Encode()
	code := t.TempDir()
	if err := codepkg.Build(t.Context(), "..", "./function", code); err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	var stderr testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-sign-port", "0", "-oss-port", "0", "-data", t.TempDir(), "-code", code, "-demo", "../clients",
			"-log-level", "info", "-ready-json", "-until-stdin-closes", "-max-life", "2m", "-env", "OSSGATE_RECORDS_DSN=" + dsn},
			stdinR, stdoutW, &stderr)
		stdoutW.Close()
	}()
	var stdout bytes.Buffer
	sc := bufio.NewScanner(io.TeeReader(stdoutR, &stdout))
	if !sc.Scan() {
		t.Fatalf("no ready line (run: %v); stderr:\n%s", <-done, stderr.String())
	}
	var r ready
	if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.SignURL == "" {
		t.Fatalf("ready line %q: %v", sc.Text(), err)
	}
	stdinW.Close()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	_, _ = io.Copy(io.Discard, stdoutR)
	out := stdout.String() + stderr.String()
	for _, s := range []string{secret, passphrase, url.QueryEscape(secret)} {
		if strings.Contains(out, s) {
			t.Errorf("the output holds a credential of the DSN:\n%s", out)
		}
	}
	// The lines that name the database are there, redacted.
	for _, want := range []string{"the database did not answer at start", "postgres://ossgate@127.0.0.1:1/records?password=xxxxx"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}
