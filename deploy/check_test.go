package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	p := Project{Vars: map[string]string{"region": "cn-hangzhou", "empty": ""}}
	e := Env{
		Getenv: func(k string) string { return map[string]string{"SET": "from-env"}[k] },
		Config: map[string]string{"AccountID": "123"},
	}
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"https://oss-${vars.region}.aliyuncs.com", "https://oss-cn-hangzhou.aliyuncs.com", false},
		{"${vars.empty}", "", false},
		{"${env('SET')}", "from-env", false},
		{"${env('UNSET')}", "", false},
		{"${env('UNSET', 'dflt')}", "dflt", false},
		{"${env('SET', 'dflt')}", "from-env", false},
		{"acs:ram::${config('AccountID')}:role/${vars.region}", "acs:ram::123:role/cn-hangzhou", false},
		{"${vars.nope}", "", true},
		{"${config('Nope')}", "", true},
		{"${other.thing}", "", true},
		{"plain", "plain", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := p.Resolve(tt.in, e)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// withCode returns a project directory holding the code package s.yaml names.
func withCode(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "build", "ossgate.zip"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheck(t *testing.T) {
	secret := func(k string) string {
		return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k]
	}
	t.Run("complete", func(t *testing.T) {
		if got := Check(renderedSYAML(t, secret), withCode(t)); len(got) > 0 {
			t.Errorf("got problems %q, want none", got)
		}
	})
	tests := []struct {
		name   string
		mutate func(p *Project)
		getenv func(string) string
		dir    string
		want   []string
	}{
		{"no secret", nil, func(string) string { return "" }, "", []string{"sign: no caller authentication"}},
		{"short secret", nil, func(string) string { return "short" }, "", []string{"sign: OSSGATE_JWT_SECRET: must be at least 32 bytes"}},
		{"no bucket", func(p *Project) { p.Vars["bucket"] = "" }, secret, "", []string{"record: OSSGATE_BUCKET: required", "sign: OSSGATE_BUCKET: required", "sourceArn"}},
		{"bad mode", func(p *Project) { p.Vars["quarantineMode"] = "drop" }, secret, "", []string{"record: OSSGATE_QUARANTINE_MODE"}},
		{"jwks without issuer and audience", func(p *Project) { p.Vars["jwtJwksUrl"] = "https://issuer.example/jwks.json" }, secret, "",
			[]string{"sign: OSSGATE_JWT_JWKS_URL needs OSSGATE_JWT_ISSUER and OSSGATE_JWT_AUDIENCE"}},
		{"bad max ttl", func(p *Project) { p.Vars["jwtMaxTtl"] = "10y" }, secret, "", []string{"sign: OSSGATE_JWT_MAX_TTL"}},
		{"no code", nil, secret, "missing", []string{"record: code ./build/ossgate.zip is missing", "sign: code ./build/ossgate.zip is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadSYAML(t)
			p.Vars["bucket"] = "example-bucket"
			if tt.mutate != nil {
				tt.mutate(&p)
			}
			r, err := p.Rendered(Env{Getenv: tt.getenv, Config: map[string]string{"AccountID": fakeAccount}})
			if err != nil {
				t.Fatal(err)
			}
			dir := withCode(t)
			if tt.dir != "" {
				dir = filepath.Join(dir, tt.dir)
			}
			got := strings.Join(Check(r, dir), "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems lack %q; got:\n%s", w, got)
				}
			}
		})
	}
	t.Run("no access", func(t *testing.T) {
		p := loadSYAML(t)
		p.Access = "prod"
		got := strings.Join(Check(p, withCode(t)), "\n")
		if want := `access "prod" is not configured`; !strings.Contains(got, want) {
			t.Errorf("problems lack %q; got:\n%s", want, got)
		}
	})
}
