package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/internal/codepkg"
	"github.com/ossgate/ossgate/internal/testutil"
)

func TestDemoSessionTokenVerifiesWithItsSecretOnly(t *testing.T) {
	now := time.Now()
	secret, token, err := demoSession(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 32 {
		t.Fatalf("secret length %d, want at least 32 (the sign function's minimum)", len(secret))
	}
	var claims jwt.RegisteredClaims
	if _, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()); err != nil {
		t.Fatalf("token does not verify with its secret: %v", err)
	}
	if claims.Subject != "demo" {
		t.Errorf("sub = %q, want demo", claims.Subject)
	}
	other, _, err := demoSession(now)
	if err != nil {
		t.Fatal(err)
	}
	if other == secret {
		t.Fatal("two runs got the same secret")
	}
	if _, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return []byte(other), nil }); err == nil {
		t.Fatal("token verified with another run's secret")
	}
}

func TestParseFlagsEnv(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantEnv []string
		wantErr bool
	}{
		{"none", nil, []string{"OSSGATE_LOG_LEVEL=info"}, false},
		{"two", []string{"-env", "A=1", "-env", "OSSGATE_PROFILES={\"x\":1}"}, []string{"OSSGATE_LOG_LEVEL=info", "A=1", "OSSGATE_PROFILES={\"x\":1}"}, false},
		{"value with equals", []string{"-env", "A=b=c"}, []string{"OSSGATE_LOG_LEVEL=info", "A=b=c"}, false},
		{"no equals", []string{"-env", "A"}, nil, true},
		{"empty key", []string{"-env", "=1"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(o.cfg.Env, tt.wantEnv) {
				t.Errorf("env = %q, want %q", o.cfg.Env, tt.wantEnv)
			}
		})
	}
}

// TestReadyJSON runs the launcher as the clients' tests do: random ports,
// -ready-json, stopped by closing its standard input. The line must be the
// only output on stdout, name answering endpoints and a key pair the local
// OSS endpoint accepts.
func TestReadyJSON(t *testing.T) {
	code := t.TempDir()
	if err := codepkg.Build(t.Context(), "..", "./function", code); err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-sign-port", "0", "-oss-port", "0", "-data", t.TempDir(), "-code", code, "-demo", "../clients",
			"-log-level", "warn", "-ready-json", "-until-stdin-closes", "-max-life", "2m", "-sts-control"}, stdinR, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	sc := bufio.NewScanner(stdoutR)
	if !sc.Scan() {
		t.Fatalf("no ready line (run: %v)", <-done)
	}
	var r ready
	dec := json.NewDecoder(strings.NewReader(sc.Text()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil || r.SignURL == "" || r.OSSURL == "" || r.Bucket != "ossgate-local" || r.Region != "cn-hangzhou" || r.AccessKeyID == "" || r.AccessKeySecret == "" {
		t.Fatalf("ready line %q: got %+v, %v; want every field", sc.Text(), r, err)
	}
	if !strings.HasPrefix(r.STSControlURL, "http://127.0.0.1:") {
		t.Errorf("stsControlURL %q: want a loopback URL with -sts-control", r.STSControlURL)
	} else if resp, err := http.Post(r.STSControlURL+"/sts?state=valid", "", nil); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Errorf("POST %s/sts?state=valid: got %v, %v; want 204", r.STSControlURL, resp, err)
	} else {
		resp.Body.Close()
	}
	resp, err := http.Get(r.SignURL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: got %v, %v; want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	b, err := testutil.OSSBucket(r.OSSURL, r.Bucket, r.AccessKeyID, r.AccessKeySecret)
	if err == nil {
		err = b.PutObject("ready/probe.txt", strings.NewReader("hello"))
	}
	if err != nil {
		t.Errorf("PutObject with the ready line's key pair: %v", err)
	}
	stdinW.Close()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	if sc.Scan() {
		t.Errorf("stdout after the ready line: %q, want nothing", sc.Text())
	}
}

func TestParseFlagsLife(t *testing.T) {
	o, err := parseFlags([]string{"-ready-json", "-until-stdin-closes", "-max-life", "5m"}, io.Discard)
	if err != nil || !o.readyJSON || !o.untilStdinCloses || o.maxLife != 5*time.Minute {
		t.Errorf("got %+v, %v; want -ready-json, -until-stdin-closes and a 5m life", o, err)
	}
}
