package deploy

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	p := Project{Vars: map[string]any{"region": "cn-hangzhou", "empty": ""}}
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

// withCode returns a project directory holding the code package and the
// ROS template s.yaml names.
func withCode(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "build", "ossgate.zip"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl, err := ROSTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(ROSTemplateFile)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ROSTemplateFile), tmpl, 0o644); err != nil {
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
		{"sweep ages differ", func(p *Project) {
			r := p.Resources["sign"]
			r.Props.EnvironmentVariables = maps.Clone(r.Props.EnvironmentVariables)
			r.Props.EnvironmentVariables["OSSGATE_SWEEP_AGE"] = "72h"
			p.Resources["sign"] = r
		}, secret, "", []string{"OSSGATE_SWEEP_AGE differs between the functions that read it (sign 72h0m0s; sweep 24h0m0s)"}},
		{"misspelt variable", func(p *Project) {
			r := p.Resources["sign"]
			r.Props.EnvironmentVariables = maps.Clone(r.Props.EnvironmentVariables)
			r.Props.EnvironmentVariables["OSSGATE_PROFILE"] = "{}"
			p.Resources["sign"] = r
		}, secret, "", []string{"sign: OSSGATE_PROFILE: unknown variable, no function reads it; did you mean OSSGATE_PROFILES?"}},
		{"property fc3 does not define", func(p *Project) {
			r := p.Resources["sweep"]
			r.Raw = mapAny(r.Raw, func(s string) string { return s })
			r.Raw.(map[string]any)["memory"] = 256
			p.Resources["sweep"] = r
		}, secret, "", []string{"sweep: fc3 schema: /: additional properties 'memory' not allowed"}},
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

// withVPC returns s.yaml with its vpcConfig blocks uncommented, as
// deploy/README.md tells a user with a database in a VPC to do.
func withVPC(t *testing.T) Project {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "# vpcConfig:" {
			continue
		}
		for j := i; j < i+4; j++ {
			lines[j] = strings.Replace(lines[j], "# ", "", 1)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("s.yaml has %d commented vpcConfig blocks, want 3 (sign, record and sweep, which records what the record function gave up on)", n)
	}
	p, err := ParseProject([]byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("s.yaml with vpcConfig: %v", err)
	}
	p.Vars["bucket"] = "example-bucket"
	return p
}

func TestVPCConfig(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret, "OSSGATE_RECORDS_DSN": "mysql://app:pw@rm-abc.mysql.rds.aliyuncs.com:3306/app"}[k]
	}
	render := func(p Project) Project {
		r, err := p.Rendered(Env{Getenv: env, Config: map[string]string{"AccountID": fakeAccount}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	p := withVPC(t)
	p.Vars["vpcId"], p.Vars["vSwitchId"], p.Vars["securityGroupId"] = "vpc-bp1abc", "vsw-bp1def", "sg-bp1ghi"
	r := render(p)
	if got := Check(r, withCode(t)); len(got) > 0 {
		t.Errorf("complete VPC: got problems %q, want none", got)
	}
	for _, fn := range []string{"sign", "record", "sweep"} {
		want := &VPCConfig{VpcID: "vpc-bp1abc", VSwitchIDs: []string{"vsw-bp1def"}, SecurityGroupID: "sg-bp1ghi"}
		if got := function(t, r, fn).VPCConfig; !cmp.Equal(want, got) {
			t.Errorf("%s vpcConfig: got %+v, want %+v", fn, got, want)
		}
		if got := function(t, r, fn).EnvironmentVariables["OSSGATE_RECORDS_DSN"]; got != env("OSSGATE_RECORDS_DSN") {
			t.Errorf("%s OSSGATE_RECORDS_DSN: got %q, want it from the environment", fn, got)
		}
	}
	got := strings.Join(Check(render(withVPC(t)), withCode(t)), "\n")
	for _, want := range []string{"sign: vpcConfig: vpcId \"\"", "record: vpcConfig: securityGroupId", "vSwitchId \"\""} {
		if !strings.Contains(got, want) {
			t.Errorf("empty VPC vars: problems lack %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "pw@") {
		t.Errorf("problems show the DSN's password:\n%s", got)
	}
}
