package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
)

// repoRoot is the module root, where s.yaml and the Makefile live.
const repoRoot = ".."

// fakeAccount is an obviously fake Alibaba Cloud account ID for rendering.
const fakeAccount = "1234567890123456"

func loadSYAML(t *testing.T) Project {
	t.Helper()
	p, err := LoadProject(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatalf("s.yaml: %v", err)
	}
	return p
}

// renderedSYAML is s.yaml resolved with a fake account, a test bucket (the
// shipped file leaves it for the user to fill in) and getenv.
func renderedSYAML(t *testing.T, getenv func(string) string) Project {
	t.Helper()
	p := loadSYAML(t)
	p.Vars["bucket"] = "example-bucket"
	r, err := p.Rendered(Env{Getenv: getenv, Config: map[string]string{"AccountID": fakeAccount}})
	if err != nil {
		t.Fatalf("render s.yaml: %v", err)
	}
	return r.WithStackOutputs(fakeAccount)
}

func function(t *testing.T, p Project, fn string) Props {
	t.Helper()
	_, r, ok := p.Function(fn)
	if !ok {
		t.Fatalf("s.yaml has no resource with OSSGATE_FUNCTION=%s", fn)
	}
	return r.Props
}

func TestSYAMLFunctions(t *testing.T) {
	p := loadSYAML(t)
	if got, want := len(p.Resources), 4; got != want {
		t.Fatalf("got %d resources, want %d (the infra stack, sign, record and sweep)", got, want)
	}
	for _, fn := range []string{"sign", "record", "sweep"} {
		t.Run(fn, func(t *testing.T) {
			_, r, ok := p.Function(fn)
			if !ok {
				t.Fatalf("no resource with OSSGATE_FUNCTION=%s", fn)
			}
			pr := r.Props
			for _, c := range []struct{ field, got, want string }{
				{"component", r.Component, "fc3"},
				{"functionName", pr.FunctionName, "ossgate-" + fn},
				{"runtime", pr.Runtime, "go1"},
				{"handler", pr.Handler, "bootstrap"},
				{"code", pr.Code, "./build/ossgate.zip"},
				{"logConfig", pr.LogConfig, "auto"},
				{"region", pr.Region, "${vars.region}"},
				{"role", pr.Role, "${resources.infra.output." + strings.ToUpper(fn[:1]) + fn[1:] + "RoleArn}"},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %q, want %q", c.field, c.got, c.want)
				}
			}
			if pr.MemorySize < 128 || pr.MemorySize%64 != 0 || pr.Timeout < 1 || pr.Timeout > 300 {
				t.Errorf("memorySize %d, timeout %d: want a multiple of 64 MB from 128, and 1-300 s", pr.MemorySize, pr.Timeout)
			}
		})
	}
}

// loaderReads returns the variables config.Load reads for fn, recorded
// through its getenv, over an empty environment and a complete one (so a
// variable read only when another is set is seen too), plus OSSGATE_FUNCTION,
// which bootstrap and main read.
func loaderReads(fn config.Function) []string {
	full := map[string]string{
		config.VarBucket: "example-bucket", config.VarRegion: "cn-hangzhou",
		config.VarJWTSecret: strings.Repeat("k", 32), config.VarJWKSURL: "https://issuer.example/jwks",
		config.VarJWTIssuer: "https://issuer.example", config.VarJWTAudience: "app",
		config.VarAllowAnonymous: "true", config.VarCORSOrigins: "https://www.example.com",
		config.VarPublicBaseURL: "https://cdn.example.com", config.VarQuarantineMode: "tag",
		config.VarModeration: config.ModerationWeChat, // what the wechat provider reads too
	}
	seen := map[string]bool{config.VarFunction: true}
	for _, env := range []map[string]string{{}, full} {
		_, _ = config.Load(fn, func(k string) string { seen[k] = true; return env[k] })
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEnvironmentMatchesLoader(t *testing.T) {
	p := loadSYAML(t)
	union := map[string]bool{}
	for _, fn := range []config.Function{config.Sign, config.Record, config.Sweep} {
		t.Run(string(fn), func(t *testing.T) {
			want := loaderReads(fn)
			var got []string
			for k := range function(t, p, string(fn)).EnvironmentVariables {
				got = append(got, k)
			}
			sort.Strings(got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("environment of %s in s.yaml differs from what config.Load(%s) reads (-loader +s.yaml):\n%s", fn, fn, d)
			}
			for _, k := range want {
				union[k] = true
			}
		})
	}
	vars := config.Vars()
	sort.Strings(vars)
	var all []string
	for k := range union {
		all = append(all, k)
	}
	sort.Strings(all)
	if d := cmp.Diff(vars, all); d != "" {
		t.Errorf("config.Vars() differs from the variables the loader reads for the functions (-Vars +read):\n%s", d)
	}
}

func TestNoSecretInSYAML(t *testing.T) {
	p := loadSYAML(t)
	ref := regexp.MustCompile(`^\$\{env\('OSSGATE_JWT_SECRET'(, '')?\)\}$`)
	if got := function(t, p, "sign").EnvironmentVariables[config.VarJWTSecret]; !ref.MatchString(got) {
		t.Errorf("sign %s: got %q, want a ${env('OSSGATE_JWT_SECRET')} reference", config.VarJWTSecret, got)
	}
	for _, fn := range []string{"record", "sweep"} {
		if got, ok := function(t, p, fn).EnvironmentVariables[config.VarJWTSecret]; ok {
			t.Errorf("%s gets %s = %q; it does not read it, so it must not get it", fn, config.VarJWTSecret, got)
		}
	}
	dsn := regexp.MustCompile(`^\$\{env\('OSSGATE_RECORDS_DSN', ''\)\}$`)
	for _, fn := range []string{"sign", "record", "sweep"} {
		if got := function(t, p, fn).EnvironmentVariables[config.VarRecordsDSN]; !dsn.MatchString(got) {
			t.Errorf("%s %s: got %q, want a ${env('OSSGATE_RECORDS_DSN', '')} reference (it holds a password)", fn, config.VarRecordsDSN, got)
		}
	}
	if got := function(t, p, "sign").EnvironmentVariables[config.VarAllowAnonymous]; got != "false" {
		t.Errorf("sign %s: got %q, want \"false\" in a deployment", config.VarAllowAnonymous, got)
	}
}

func TestVarsAllUsed(t *testing.T) {
	var text []byte
	for _, f := range []string{"s.yaml", "s.domain.yaml"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		text = append(text, b...)
	}
	for name := range loadSYAML(t).Vars {
		if !strings.Contains(string(text), "${vars."+name+"}") {
			t.Errorf("var %s is never referenced in s.yaml or s.domain.yaml", name)
		}
	}
}

func TestTriggers(t *testing.T) {
	p := renderedSYAML(t, func(string) string { return "" })
	sign, rec := function(t, p, "sign"), function(t, p, "record")
	t.Run("sign http", func(t *testing.T) {
		if len(sign.Triggers) != 1 || sign.Triggers[0].TriggerType != "http" {
			t.Fatalf("got triggers %+v, want one http trigger", sign.Triggers)
		}
		c := sign.Triggers[0].TriggerConfig
		if c.AuthType != "anonymous" {
			t.Errorf("authType: got %q, want anonymous (the function checks the JWT)", c.AuthType)
		}
		if want := []string{"DELETE", "GET", "OPTIONS", "POST"}; !cmp.Equal(sorted(c.Methods), want) {
			t.Errorf("methods: got %v, want %v", c.Methods, want)
		}
	})
	t.Run("sweep timer", func(t *testing.T) {
		sw := function(t, p, "sweep")
		if len(sw.Triggers) != 1 || sw.Triggers[0].TriggerType != "timer" {
			t.Fatalf("got triggers %+v, want one timer trigger", sw.Triggers)
		}
		c := sw.Triggers[0].TriggerConfig
		if c.CronExpression != "@every 60m" || c.Enable == nil || !*c.Enable {
			t.Errorf("timer: cronExpression %q, enable %v; want hourly and enabled", c.CronExpression, c.Enable)
		}
	})
	t.Run("record oss", func(t *testing.T) {
		if len(rec.Triggers) != 1 || rec.Triggers[0].TriggerType != "oss" {
			t.Fatalf("got triggers %+v, want one oss trigger", rec.Triggers)
		}
		tr := rec.Triggers[0]
		want := []string{"oss:ObjectCreated:CompleteMultipartUpload", "oss:ObjectCreated:PostObject", "oss:ObjectCreated:PutObject"}
		if !cmp.Equal(sorted(tr.TriggerConfig.Events), want) {
			t.Errorf("events: got %v, want %v", tr.TriggerConfig.Events, want)
		}
		if wantArn := "acs:oss:" + rec.Region + ":" + fakeAccount + ":example-bucket"; tr.SourceArn != wantArn {
			t.Errorf("sourceArn: got %q, want %q", tr.SourceArn, wantArn)
		}
		if tr.TriggerConfig.Filter == nil {
			t.Fatal("no filter: the trigger would fire on the records the function writes")
		}
		env := rec.EnvironmentVariables
		prefix := tr.TriggerConfig.Filter.Key.Prefix
		if want := env[config.VarUploadPrefix] + "/"; prefix != want {
			t.Errorf("filter prefix: got %q, want the upload prefix %q", prefix, want)
		}
		for _, v := range []string{config.VarRecordsPrefix, config.VarQuarantinePrefix} {
			key := env[v] + "/x.json"
			if strings.HasPrefix(key, prefix) || prefix == "" {
				t.Errorf("filter prefix %q matches %s key %q", prefix, v, key)
			}
		}
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
