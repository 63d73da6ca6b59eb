package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// template returns the committed ROS template, decoded.
func template(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ROSTemplateFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestROSTemplateIsGenerated(t *testing.T) {
	want, err := ROSTemplate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(repoRoot, ROSTemplateFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go run ./deploy/cmd/ossgate-deploy ros", ROSTemplateFile)
	}
}

var subRef = regexp.MustCompile(`\$\{([A-Za-z:]+)\}`)

// eval resolves the template's Ref and Fn::Sub of v with the stack's
// parameters (pseudo parameters included); other functions stay.
func eval(v any, params map[string]any) any {
	switch t := v.(type) {
	case map[string]any:
		if r, ok := t["Ref"].(string); ok && len(t) == 1 {
			return params[r]
		}
		if s, ok := t["Fn::Sub"].(string); ok && len(t) == 1 {
			return subRef.ReplaceAllStringFunc(s, func(m string) string { return params[subRef.FindStringSubmatch(m)[1]].(string) })
		}
		out := map[string]any{}
		for k, e := range t {
			out[k] = eval(e, params)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = eval(e, params)
		}
		return out
	}
	return v
}

// stackParams are the parameters s.yaml passes the stack, with the pseudo
// parameters of a deployment in the test account.
func stackParams(t *testing.T, p Project) map[string]any {
	t.Helper()
	params := map[string]any{"ALIYUN::AccountId": fakeAccount, "ALIYUN::Region": p.Resources["infra"].ROS.Region}
	for k, v := range p.Resources["infra"].ROS.Parameters {
		params[k] = v
	}
	return params
}

// TestROSRolesCarryTheRAMDocuments checks that every role the stack
// creates has exactly the trust and permission documents `ossgate-deploy
// ram` renders from deploy/ram for the same values (the documents the call
// graph tests prove), and the bucket, in tag mode, the tag bucket policy.
func TestROSRolesCarryTheRAMDocuments(t *testing.T) {
	p := renderedSYAML(t, nil)
	p.Resources["infra"].ROS.Parameters["QuarantineMode"] = "tag"
	values, err := RAMValues(p, fakeAccount)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := RenderRAM(values)
	if err != nil {
		t.Fatal(err)
	}
	asJSON := func(name string) any {
		var v any
		if err := json.Unmarshal(docs[name], &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tm := eval(template(t), stackParams(t, p)).(map[string]any)
	resources := tm["Resources"].(map[string]any)
	for _, r := range ROSRoles {
		props := resources[r.ID].(map[string]any)["Properties"].(map[string]any)
		if d := cmp.Diff(asJSON(r.Trust), props["AssumeRolePolicyDocument"]); d != "" {
			t.Errorf("%s trust (-ram +ros):\n%s", r.ID, d)
		}
		pol := props["Policies"].([]any)
		if len(pol) != 1 {
			t.Fatalf("%s: %d policies, want 1", r.ID, len(pol))
		}
		if d := cmp.Diff(asJSON(r.Policy), pol[0].(map[string]any)["PolicyDocument"]); d != "" {
			t.Errorf("%s permission policy (-ram +ros):\n%s", r.ID, d)
		}
		if got, want := props["RoleName"], p.Resources["infra"].ROS.Parameters[r.NameParam]; got != want {
			t.Errorf("%s: RoleName %v, want %v", r.ID, got, want)
		}
	}
	bucketPolicy := resources["Bucket"].(map[string]any)["Properties"].(map[string]any)["Policy"].(map[string]any)["Fn::If"].([]any)
	if d := cmp.Diff(asJSON("quarantine-tag-bucket-policy.json"), bucketPolicy[1]); d != "" || bucketPolicy[0] != "QuarantineByTag" {
		t.Errorf("bucket policy in tag mode (-ram +ros):\n%s", d)
	}
}

// TestROSOutputsAreWhatTheFunctionsAreGiven checks that the stack's
// outputs are the values the functions are deployed with (StackOutputs),
// for created and for adopted roles.
func TestROSOutputsAreWhatTheFunctionsAreGiven(t *testing.T) {
	p := loadSYAML(t)
	p.Vars["bucket"] = "example-bucket"
	p, err := p.Rendered(Env{Config: map[string]string{"AccountID": fakeAccount}})
	if err != nil {
		t.Fatal(err)
	}
	params := stackParams(t, p)
	outputs := eval(template(t)["Outputs"], params).(map[string]any)
	want := p.Resources["infra"].ROS.StackOutputs(fakeAccount)
	var names []string
	for k := range outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	var wantNames []string
	for k := range want {
		wantNames = append(wantNames, k)
	}
	sort.Strings(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Fatalf("outputs %q, want %q", names, wantNames)
	}
	for name, o := range outputs {
		v := o.(map[string]any)["Value"]
		if m, ok := v.(map[string]any); ok && m["Fn::If"] != nil { // a role: created (GetAtt) or adopted (ARN)
			branches := m["Fn::If"].([]any)
			if branches[0] != "CreateRoles" || branches[1].(map[string]any)["Fn::GetAtt"] == nil {
				t.Errorf("%s: %v, want Fn::If CreateRoles, GetAtt Arn, the adopted ARN", name, v)
			}
			v = branches[2]
		}
		if v != want[name] {
			t.Errorf("output %s = %v, want %q (what the functions get)", name, v, want[name])
		}
	}
	for name, fn := range map[string]string{"sign": "SignRoleArn", "record": "RecordRoleArn", "sweep": "SweepRoleArn"} {
		if got := function(t, p, name).Role; got != "${resources.infra.output."+fn+"}" {
			t.Errorf("%s role %q: want the stack's output %s", name, got, fn)
		}
	}
}

// TestROSBucket checks the bucket the stack creates: private, the one CORS
// rule for browser uploads from corsOrigins, and the lifecycle rule that
// aborts multipart uploads under the upload prefix.
func TestROSBucket(t *testing.T) {
	p := renderedSYAML(t, nil)
	params := stackParams(t, p)
	params["CORSOrigins"] = []any{"https://app.example.com"}
	b := eval(template(t)["Resources"].(map[string]any)["Bucket"], params).(map[string]any)
	if b["Condition"] != "CreateBucket" || b["Type"] != "ALIYUN::OSS::Bucket" {
		t.Errorf("bucket: %v", b)
	}
	props := b["Properties"].(map[string]any)
	if props["AccessControl"] != "private" || props["BucketName"] != "example-bucket" {
		t.Errorf("bucket %v, acl %v: want example-bucket, private", props["BucketName"], props["AccessControl"])
	}
	cors := props["CORSConfiguration"].(map[string]any)["Fn::If"].([]any)
	rule := cors[1].(map[string]any)["CORSRule"].([]any)[0].(map[string]any)
	want := map[string]any{"AllowedOrigin": []any{"https://app.example.com"}, "AllowedMethod": []any{"POST", "PUT"},
		"AllowedHeader": []any{"*"}, "MaxAgeSeconds": 600.0}
	if d := cmp.Diff(want, rule); d != "" || cors[0] != "HasCORSOrigins" {
		t.Errorf("CORS rule (-want +got):\n%s", d)
	}
	lc := props["LifecycleConfiguration"].(map[string]any)["Rule"].([]any)
	wantLC := []any{map[string]any{"ID": "ossgate-abort-abandoned-multipart-uploads", "Prefix": "uploads/", "Status": "Enabled",
		"AbortMultipartUpload": map[string]any{"Days": "2"}}}
	if d := cmp.Diff(wantLC, lc); d != "" {
		t.Errorf("lifecycle (-want +got):\n%s", d)
	}
}

func TestCheckStack(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Project, dir string)
		want   string
	}{
		{"short lifecycle", func(p *Project, _ string) { p.Resources["infra"].ROS.Parameters["AbortMultipartDays"] = "1" },
			"infra: parameter AbortMultipartDays (vars.abortMultipartDays) must be at least 2"},
		{"long sweep", func(p *Project, _ string) {
			p.Resources["sweep"].Props.EnvironmentVariables["OSSGATE_SWEEP_AGE"] = "72h"
		},
			"must be at least 4 (the sweep age 72h0m0s in whole days, plus 1)"},
		{"bad switch", func(p *Project, _ string) { p.Resources["infra"].ROS.Parameters["CreateBucket"] = "yes" },
			"infra: parameter CreateBucket must be 'true' or 'false'"},
		{"prefix differs", func(p *Project, _ string) { p.Resources["infra"].ROS.Parameters["UploadPrefix"] = "up" },
			`parameter UploadPrefix "up" differs from the record function's OSSGATE_UPLOAD_PREFIX "uploads"`},
		{"stale template", func(_ *Project, dir string) {
			_ = os.WriteFile(filepath.Join(dir, ROSTemplateFile), []byte("{}"), 0o644)
		}, "is not what deploy/ram generates"},
	}
	secret := func(k string) string { return map[string]string{"OSSGATE_JWT_SECRET": fakeSecret}[k] }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, dir := renderedSYAML(t, secret), withCode(t)
			tt.mutate(&p, dir)
			got := strings.Join(Check(p, dir), "\n")
			if !strings.Contains(got, tt.want) {
				t.Errorf("problems lack %q; got:\n%s", tt.want, got)
			}
		})
	}
}
