package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// env returns a getenv over base with over applied.
func env(over map[string]string) func(string) string {
	base := map[string]string{
		VarBucket:    "my-bucket",
		VarRegion:    "cn-hangzhou",
		VarJWTSecret: "0123456789abcdef0123456789abcdef",
	}
	for k, v := range over {
		base[k] = v
	}
	return func(k string) string { return base[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(Sign, env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"Endpoint", c.OSS.Endpoint, "https://oss-cn-hangzhou.aliyuncs.com"},
		{"UploadURL", c.OSS.UploadURL, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com"},
		{"PublicBaseURL", c.OSS.PublicBaseURL, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com"},
		{"InternalEndpoint", c.OSS.InternalEndpoint, "https://oss-cn-hangzhou-internal.aliyuncs.com"},
		{"UploadPrefix", c.Prefixes.Upload, "uploads"},
		{"RecordsPrefix", c.Prefixes.Records, "records"},
		{"QuarantinePrefix", c.Prefixes.Quarantine, "quarantine"},
		{"LogLevel", c.LogLevel.String(), "INFO"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.Auth.AllowAnonymous || len(c.CORSOrigins) != 0 {
		t.Errorf("got AllowAnonymous %v, CORSOrigins %v; want false, none", c.Auth.AllowAnonymous, c.CORSOrigins)
	}
	want := Profile{Name: "avatar", Types: []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
		MinSize: 1, MaxSize: 5 << 20, Expiry: 10 * time.Minute, SuccessActionStatus: 200, MaxFiles: 1,
		Disposition: DispositionInline, RejectPolyglots: true}
	if diff := cmp.Diff(want, c.Profiles["avatar"]); diff != "" {
		t.Errorf("avatar profile (-want +got):\n%s", diff)
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load(Sign, env(map[string]string{
		VarEndpoint:       "http://127.0.0.1:9000",
		VarPublicBaseURL:  "https://cdn.example.com/",
		VarCORSOrigins:    "https://a.example.com, http://localhost:5173",
		VarAllowAnonymous: "true",
		VarJWTSecret:      "",
		VarLogLevel:       "debug",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.OSS.UploadURL, "http://127.0.0.1:9000/my-bucket"; got != want {
		t.Errorf("UploadURL: got %q, want %q", got, want)
	}
	if got, want := c.OSS.PublicBaseURL, "https://cdn.example.com"; got != want {
		t.Errorf("PublicBaseURL: got %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"https://a.example.com", "http://localhost:5173"}, c.CORSOrigins); diff != "" {
		t.Errorf("CORSOrigins (-want +got):\n%s", diff)
	}
	if !c.Auth.AllowAnonymous || c.LogLevel.String() != "DEBUG" {
		t.Errorf("got AllowAnonymous %v, LogLevel %v; want true, DEBUG", c.Auth.AllowAnonymous, c.LogLevel)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fn   Function
		over map[string]string
		want string // substring of the error
	}{
		{"no bucket", Sign, map[string]string{VarBucket: ""}, VarBucket},
		{"bad bucket", Sign, map[string]string{VarBucket: "My_Bucket"}, VarBucket},
		{"no region", Sign, map[string]string{VarRegion: ""}, VarRegion},
		{"oss- region", Sign, map[string]string{VarRegion: "oss-cn-hangzhou"}, VarRegion},
		{"bad endpoint", Sign, map[string]string{VarEndpoint: "ftp://x"}, VarEndpoint},
		{"endpoint with path", Sign, map[string]string{VarEndpoint: "https://x.com/a"}, VarEndpoint},
		{"bad internal endpoint", Record, map[string]string{VarInternalEndpoint: "https://x.com/?a=1"}, VarInternalEndpoint},
		{"bad public base", Sign, map[string]string{VarPublicBaseURL: "cdn.example.com"}, VarPublicBaseURL},
		{"short secret", Sign, map[string]string{VarJWTSecret: "short"}, "at least 32 bytes"},
		{"no auth", Sign, map[string]string{VarJWTSecret: ""}, "no caller authentication"},
		{"anonymous not bool", Sign, map[string]string{VarAllowAnonymous: "yes"}, VarAllowAnonymous},
		{"bad jwks url", Sign, map[string]string{VarJWKSURL: "keys.json"}, VarJWKSURL},
		{"bad log level", Sign, map[string]string{VarLogLevel: "loud"}, VarLogLevel},
		{"bad prefix slash", Sign, map[string]string{VarUploadPrefix: "/uploads"}, VarUploadPrefix},
		{"bad prefix dots", Sign, map[string]string{VarUploadPrefix: "a/../b"}, VarUploadPrefix},
		{"same prefixes", Sign, map[string]string{VarRecordsPrefix: "uploads"}, "overlap"},
		{"nested prefixes", Sign, map[string]string{VarRecordsPrefix: "uploads/records"}, "overlap"},
		{"bad origin", Sign, map[string]string{VarCORSOrigins: "https://a.com/path"}, VarCORSOrigins},
		{"bad quarantine mode", Record, map[string]string{VarQuarantineMode: "delete"}, VarQuarantineMode},
		{"profiles not json", Sign, map[string]string{VarProfiles: "{nope"}, VarProfiles},
		{"profiles missing file", Sign, map[string]string{VarProfiles: "/nonexistent/profiles.json"}, VarProfiles},
		{"unknown function", Function("other"), nil, "unknown function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fn, env(tt.over))
			if err == nil {
				t.Fatalf("got no error, want one mentioning %q", tt.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "config: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("got %q, want a config: error mentioning %q", msg, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(Sign, env(map[string]string{VarBucket: "", VarRegion: "", VarJWTSecret: ""}))
	if err == nil {
		t.Fatal("got no error, want one")
	}
	for _, want := range []string{VarBucket, VarRegion, "no caller authentication"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestRecordQuarantineMode(t *testing.T) {
	for v, want := range map[string]QuarantineMode{"": QuarantineMove, "move": QuarantineMove, "tag": QuarantineTag} {
		c, err := Load(Record, env(map[string]string{VarQuarantineMode: v}))
		if err != nil || c.QuarantineMode != want {
			t.Errorf("%s=%q: got %q, %v; want %q", VarQuarantineMode, v, c.QuarantineMode, err, want)
		}
	}
}

func TestRole(t *testing.T) {
	t.Setenv(VarFunction, "record")
	if got := Role(nil); got != Record {
		t.Errorf("Role(no args) with %s=record: got %q, want record", VarFunction, got)
	}
	if got := Role([]string{"sign"}); got != Sign {
		t.Errorf("Role([sign]): got %q, want sign (the argument first)", got)
	}
}

func TestRecordNeedsNoAuth(t *testing.T) {
	if _, err := Load(Record, env(map[string]string{VarJWTSecret: ""})); err != nil {
		t.Errorf("Load(Record) without JWT: got %v, want nil", err)
	}
}

func TestProfilesFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := os.WriteFile(path, []byte(`{"docs":{"types":["application/pdf"],"maxSize":100,"expiry":"1s"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Sign, env(map[string]string{VarProfiles: path}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.Profiles["docs"].Expiry, time.Second; got != want {
		t.Errorf("expiry: got %v, want %v", got, want)
	}
}

func TestVarsListsEveryName(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vars() {
		if seen[v] || !strings.HasPrefix(v, "OSSGATE_") {
			t.Errorf("Vars: %q duplicated or not OSSGATE_", v)
		}
		seen[v] = true
	}
	if got, want := len(seen), 35; got != want {
		t.Errorf("Vars: got %d names, want %d", got, want)
	}
}

func TestErrorIsOneLine(t *testing.T) {
	_, err := Load(Sign, env(map[string]string{VarBucket: "", VarProfiles: `{"a":{"types":["x/y"]},"b":{"types":[]}}`}))
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("got %q, want a one-line error", err)
	}
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 2 {
		t.Errorf("got %#v, want *Error with 2 problems", err)
	}
}

func TestCallbackVariables(t *testing.T) {
	base := map[string]string{VarBucket: "b-1", VarRegion: "cn-hangzhou", VarAllowAnonymous: "true"}
	tests := []struct {
		name     string
		env      map[string]string
		wantURL  string
		wantKeys []string
		wantErr  string
	}{
		{"none", nil, "", []string{OSSPublicKeyHost}, ""},
		{"custom domain", map[string]string{VarCallbackURL: "https://up.example.com/"}, "https://up.example.com/callback", []string{OSSPublicKeyHost}, ""},
		{"local key host", map[string]string{VarCallbackKeyHost: "127.0.0.1:9090"}, "", []string{OSSPublicKeyHost, "127.0.0.1:9090"}, ""},
		{"public key host refused", map[string]string{VarCallbackKeyHost: "keys.example.com"}, "", nil, VarCallbackKeyHost},
		{"key host with a path refused", map[string]string{VarCallbackKeyHost: "127.0.0.1/x"}, "", nil, VarCallbackKeyHost},
		{"relative URL refused", map[string]string{VarCallbackURL: "up.example.com"}, "", nil, VarCallbackURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(base)
			maps.Copy(env, tt.env)
			c, err := Load(Sign, func(k string) string { return env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load: got %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Callback.URL != tt.wantURL || !slices.Equal(c.Callback.KeyHosts, tt.wantKeys) {
				t.Errorf("got %q %v, want %q %v", c.Callback.URL, c.Callback.KeyHosts, tt.wantURL, tt.wantKeys)
			}
		})
	}
}
