package deploy

import (
	"path/filepath"
	"strings"
	"testing"
)

// deployedProject is s.domain.yaml (s.yaml plus the custom domain)
// rendered as make deploy renders it, with a domain, the test account, a
// JWT secret and the stack's outputs filled in.
func deployedProject(t *testing.T) Project {
	t.Helper()
	p, err := LoadProject(filepath.Join(repoRoot, DomainProjectFile))
	if err != nil {
		t.Fatal(err)
	}
	p.Vars["bucket"] = "example-bucket"
	p.Vars["domain"] = "upload.example.com"
	r, err := p.Rendered(Env{
		Getenv: func(k string) string { return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k] },
		Config: map[string]string{"AccountID": fakeAccount},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.WithStackOutputs(fakeAccount)
}

// TestPropsMatchTheVendorSchemas checks every fc3 resource against fc3's
// schema and the custom domain against fc3-domain's, both closed: a
// property the vendor does not define fails.
func TestPropsMatchTheVendorSchemas(t *testing.T) {
	p := deployedProject(t)
	seen := map[string]int{}
	for name, r := range p.Resources {
		if r.Component == "ros" {
			continue // TestROSTemplateMatchesTheCDK
		}
		seen[r.Component]++
		problems, err := ValidateProps(r.Component, r.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if r.Component != "fc3" && r.Component != "fc3-domain" {
			t.Errorf("%s: component %s has no schema here", name, r.Component)
		}
		for _, pr := range problems {
			t.Errorf("%s (%s): %s", name, r.Component, pr)
		}
	}
	if seen["fc3"] < 3 || seen["fc3-domain"] != 1 {
		t.Errorf("checked %v, want the three functions and the domain", seen)
	}
}

// TestVendorSchemasRefuse checks that the closed schemas refuse what the
// vendor does not define, and the vendor's own rules.
func TestVendorSchemasRefuse(t *testing.T) {
	p := deployedProject(t)
	tests := []struct {
		name, resource string
		mutate         func(props map[string]any)
		want           string
	}{
		{"unknown function property", "sign", func(m map[string]any) { m["memory"] = 128 }, "additional properties 'memory' not allowed"},
		{"misspelt trigger field", "record", func(m map[string]any) {
			tc := m["triggers"].([]any)[0].(map[string]any)["triggerConfig"].(map[string]any)
			tc["event"] = tc["events"]
		}, "/triggers/0/triggerConfig"},
		{"wrong type", "sweep", func(m map[string]any) { m["timeout"] = "120" }, "/timeout"},
		{"async retries out of range", "record", func(m map[string]any) {
			m["asyncInvokeConfig"] = map[string]any{"maxAsyncRetryAttempts": 9}
		}, "/asyncInvokeConfig/maxAsyncRetryAttempts"},
		{"unknown async field", "record", func(m map[string]any) {
			m["asyncInvokeConfig"] = map[string]any{"maxRetries": 3}
		}, "additional properties 'maxRetries' not allowed"},
		{"domain protocol", "domain", func(m map[string]any) { m["protocol"] = "HTTPS2" }, "/protocol"},
		{"domain unknown field", "domain", func(m map[string]any) { m["autoCName"] = true }, "additional properties 'autoCName' not allowed"},
		{"domain cert without key", "domain", func(m map[string]any) { m["certConfig"] = map[string]any{"certName": "x", "certificate": "a.pem"} }, "/certConfig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := p.Resources[tt.resource]
			props := mapAny(r.Raw, func(s string) string { return s }).(map[string]any)
			tt.mutate(props)
			problems, err := ValidateProps(r.Component, props)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(problems, "\n"); !strings.Contains(got, tt.want) {
				t.Errorf("problems lack %q; got:\n%s", tt.want, got)
			}
		})
	}
}

// TestCheckDomain checks make deploy's checks of the custom domain: its
// certificate files must exist, a certId needs none.
func TestCheckDomain(t *testing.T) {
	p := deployedProject(t)
	dir := withCode(t)
	got := strings.Join(Check(p, dir), "\n")
	for _, want := range []string{"domain: certConfig.certificate ./cert/fullchain.pem is missing", "domain: certConfig.privateKey ./cert/privkey.pem is missing"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q; got:\n%s", want, got)
		}
	}
	d := p.Resources["domain"]
	d.Other["certConfig"] = map[string]any{"certId": "12345"}
	d.Raw = d.Other
	p.Resources["domain"] = d
	if got := Check(p, dir); len(got) > 0 {
		t.Errorf("with a certId: got problems %q, want none", got)
	}
	d.Other["domainName"] = ""
	if got := strings.Join(Check(p, dir), "\n"); !strings.Contains(got, "is not a domain name: set vars.domain") {
		t.Errorf("empty domain: got %q", got)
	}
}
