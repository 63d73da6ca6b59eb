package deploy

import (
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
)

// ossActions maps each method of the OSS SDK's Bucket and Client that
// ossgate may call to the RAM actions it needs (CopyObject reads its source
// and writes its destination). A method missing here fails the test: add it
// with its actions from the OSS RAM documentation.
var ossActions = map[string][]string{
	"Bucket.GetObject":             {"oss:GetObject"},
	"Bucket.DoGetObject":           {"oss:GetObject"},
	"Bucket.GetObjectMeta":         {"oss:GetObject"},
	"Bucket.GetObjectDetailedMeta": {"oss:GetObject"},
	"Bucket.IsObjectExist":         {"oss:GetObject"},
	"Bucket.PutObject":             {"oss:PutObject"},
	"Bucket.CopyObject":            {"oss:GetObject", "oss:PutObject"},
	"Bucket.DeleteObject":          {"oss:DeleteObject"},
	"Bucket.DeleteObjects":         {"oss:DeleteObject"},
	"Bucket.ListObjects":           {"oss:ListObjects"},
	"Bucket.ListObjectsV2":         {"oss:ListObjects"},
	"Bucket.PutObjectTagging":      {"oss:PutObjectTagging"},
	"Bucket.GetObjectTagging":      {"oss:GetObjectTagging"},
	"Client.Bucket":                nil, // builds a handle, no request
	// Multipart upload: initiate, upload part and complete are authorized
	// as oss:PutObject.
	"Bucket.InitiateMultipartUpload": {"oss:PutObject"},
	"Bucket.UploadPart":              {"oss:PutObject"},
	"Bucket.CompleteMultipartUpload": {"oss:PutObject"},
	"Bucket.ListUploadedParts":       {"oss:ListParts"},
	"Bucket.AbortMultipartUpload":    {"oss:AbortMultipartUpload"},
	"Bucket.ListMultipartUploads":    {"oss:ListMultipartUploads"},
}

// optionActions maps the OSS SDK's request options that need more than the
// action of the call they are passed to onto the RAM action they add: an
// object ACL set on a write (x-oss-object-acl) needs oss:PutObjectAcl.
var optionActions = map[string]string{
	ossPkg + ".ObjectACL": "oss:PutObjectAcl",
}

// signerSign is the function whose POST policies carry the sign role's
// oss:PutObject (OSS authorizes a PostObject as a PutObject of the signer);
// signerPresign's URLs carry its oss:GetObject (the presigned GETs of
// downloadUrl and thumbnailUrl, the only method the code presigns).
const (
	signerSign    = modulePath + "/signer.Sign"
	signerPresign = modulePath + "/signer.Presign"
)

// signPresignPart is the function whose presigned UploadPart URLs carry the
// sign role's oss:PutObject.
const signPresignPart = modulePath + "/function/internal/sign.presignPart"

// openAPIActions maps the module's functions that call an Alibaba Cloud
// OpenAPI through the generic client (the action is a value the caller
// passes, so the analysis names the caller) to the RAM actions they need.
// A reachable call of the client from a function missing here fails the
// test.
var openAPIActions = map[string][]string{
	"(*" + modulePath + "/function/internal/moderation/aliyun.Provider).Check": {"yundun-greenweb:ImageModeration"},
}

// openAPIClient matches the generic OpenAPI client's request methods.
var openAPIClient = regexp.MustCompile(`^\(\*github\.com/alibabacloud-go/darabonba-openapi/v2/client\.Client\)\.(CallApi|Do\w*Request)\w*$`)

var sdkMethod = regexp.MustCompile(`^\(\*?` + regexp.QuoteMeta(ossPkg) + `\.(Bucket|Client)\)\.(\w+)$`)

// codeActions returns the RAM actions the code reachable from entry needs.
func codeActions(t *testing.T, reached []string) []string {
	t.Helper()
	set := map[string]bool{}
	for _, name := range reached {
		if name == signerSign || name == signPresignPart {
			set["oss:PutObject"] = true
		}
		if a, ok := optionActions[name]; ok {
			set[a] = true
		}
		if name == signerPresign {
			set["oss:GetObject"] = true
		}
		for _, a := range openAPIActions[name] {
			set[a] = true
		}
		m := sdkMethod.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		acts, ok := ossActions[m[1]+"."+m[2]]
		if !ok {
			t.Errorf("the code calls %s, which ossActions does not map to RAM actions", name)
		}
		for _, a := range acts {
			set[a] = true
		}
	}
	return keys(set)
}

// where says on which part of the bucket each function needs each action:
// under a key prefix (the value of an OSSGATE_*_PREFIX variable), or
// "list:" + prefix for a listing action (oss:ListObjects,
// oss:ListMultipartUploads) on the bucket limited by oss:Prefix.
// The sign role's oss:PutObject under the upload prefix is what every POST
// policy and part URL it signs carries, and what initiating and completing
// a multipart upload need; its oss:GetObject there what the download URLs it
// presigns carry and the HEAD of an upload whose completion it is asked
// again; it lists and aborts multipart uploads' parts, deletes uploads
// (DELETE /uploads/{id}), and lists, reads and writes the OSS record store's
// index generations and deletes what a fold makes obsolete. The record role
// reads uploads (one ranged GET) and lists and reads its records
// (idempotency), writes records and quarantined copies, deletes and tags
// uploads (quarantine move and tag modes); its quarantined copies are
// written private (x-oss-object-acl). The sweep role lists multipart uploads
// under the upload prefix and aborts them.
var where = map[string]map[string][]string{
	"sign": { // and, for POST /callback and WeChat's verdicts, the record function's work on one upload
		"oss:PutObject":            {config.VarUploadPrefix, config.VarRecordsPrefix, config.VarQuarantinePrefix},
		"oss:PutObjectAcl":         {config.VarQuarantinePrefix},
		"oss:PutObjectTagging":     {config.VarUploadPrefix},
		"oss:GetObject":            {config.VarUploadPrefix, config.VarRecordsPrefix},
		"oss:DeleteObject":         {config.VarUploadPrefix, config.VarRecordsPrefix},
		"oss:ListObjects":          {"list:" + config.VarRecordsPrefix},
		"oss:ListParts":            {config.VarUploadPrefix},
		"oss:AbortMultipartUpload": {config.VarUploadPrefix},
	},
	"sweep": { // the multipart sweep, and the record function's work on the events it gave up on and on reconcile
		"oss:ListMultipartUploads": {"list:" + config.VarUploadPrefix},
		"oss:AbortMultipartUpload": {config.VarUploadPrefix},
		"oss:GetObject":            {config.VarUploadPrefix, config.VarRecordsPrefix},
		"oss:PutObject":            {config.VarRecordsPrefix, config.VarQuarantinePrefix},
		"oss:PutObjectAcl":         {config.VarQuarantinePrefix},
		"oss:DeleteObject":         {config.VarUploadPrefix}, // and the dead letters under the records prefix (TestDeadLetterGrants)
		"oss:PutObjectTagging":     {config.VarUploadPrefix},
		"oss:ListObjects":          {"list:" + config.VarRecordsPrefix, "list:" + config.VarUploadPrefix}, // and reconcile's listing of the uploads
	},
	"record": {
		"oss:GetObject":        {config.VarUploadPrefix, config.VarRecordsPrefix},
		"oss:PutObject":        {config.VarRecordsPrefix, config.VarQuarantinePrefix},
		"oss:PutObjectAcl":     {config.VarQuarantinePrefix},
		"oss:DeleteObject":     {config.VarUploadPrefix},
		"oss:PutObjectTagging": {config.VarUploadPrefix},
		"oss:ListObjects":      {"list:" + config.VarRecordsPrefix},
	},
}

// postFieldActions maps POST form fields that need more than oss:PutObject
// to the extra RAM action a PostObject carrying them needs.
var postFieldActions = map[string]string{
	"x-oss-object-acl": "oss:PutObjectAcl",
	"x-oss-tagging":    "oss:PutObjectTagging",
}

// signFormActions returns the extra actions the sign function's forms need:
// one for every field of postFieldActions named by a string literal in the
// non-test sources of function/internal/sign.
func signFormActions(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	inspectSignSources(t, func(n ast.Node) {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if v, err := strconv.Unquote(lit.Value); err == nil && postFieldActions[strings.ToLower(v)] != "" {
				set[postFieldActions[strings.ToLower(v)]] = true
			}
		}
	})
	return keys(set)
}

func renderedRAM(t *testing.T) (map[string]Policy, map[string]string) {
	t.Helper()
	values, err := RAMValues(renderedSYAML(t, func(string) string { return "" }), fakeAccount)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := RenderRAM(values)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Policy{}
	for name, doc := range docs {
		if out[name], err = ParsePolicy(doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return out, values
}

func TestRAMDocuments(t *testing.T) {
	docs, _ := renderedRAM(t)
	want := []string{"fc-trust.json", "oss-trust.json", "quarantine-tag-bucket-policy.json", "record-policy.json", "sign-policy.json", "sweep-policy.json", "trigger-policy.json"}
	if got := keys(docs); !cmp.Equal(got, want) {
		t.Fatalf("documents: got %v, want %v", got, want)
	}
	for _, name := range []string{"record-policy.json", "sign-policy.json", "sweep-policy.json", "trigger-policy.json"} {
		if breaches := Lint(docs[name]); len(breaches) > 0 {
			t.Errorf("%s breaks the wildcard rule: %v", name, breaches)
		}
	}
	for name, service := range map[string]string{"fc-trust.json": "fc.aliyuncs.com", "oss-trust.json": "oss.aliyuncs.com"} {
		p := docs[name]
		want := []Statement{{Effect: "Allow", Action: Strings{"sts:AssumeRole"}, Principal: &Principal{Kinds: map[string]Strings{"Service": {service}}}}}
		if d := cmp.Diff(want, p.Statement); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
}

func TestRolesGrantWhatTheCodeCalls(t *testing.T) {
	prog := loadProgram(t)
	docs, values := renderedRAM(t)
	env := function(t, renderedSYAML(t, func(string) string { return "" }), "record").EnvironmentVariables
	for fn, entry := range map[string]string{"sign": "runSign", "record": "runRecord", "sweep": "runSweep"} {
		t.Run(fn, func(t *testing.T) {
			reached := prog.reach(t, modulePath+"/function", entry)
			checkOpenAPICallers(t, prog, reached)
			if fn == "sign" && !contains(reached, signerSign) {
				t.Fatal("runSign reaches no signer.Sign: the analysis or the wiring is broken")
			}
			policy := docs[fn+"-policy.json"]
			acts := codeActions(t, reached)
			if fn == "record" { // FC delivers its onFailure destination with the role
				acts = slices.Compact(sorted(append(acts, "fc:InvokeFunction")))
			}
			if fn == "sign" {
				acts = slices.Compact(sorted(append(acts, signFormActions(t)...)))
			}
			if d := cmp.Diff(acts, grantedActions(policy)); d != "" {
				t.Errorf("%s role: granted actions differ from what the code calls (-code +granted):\n%s", fn, d)
			}
			for _, a := range acts {
				if a == "fc:InvokeFunction" {
					continue // TestDeadLetterGrants
				}
				if !strings.HasPrefix(a, "oss:") {
					continue // an operation-level service: Resource "*" (Lint)
				}
				places, ok := where[fn][a]
				if !ok {
					t.Errorf("%s calls %s, but the test does not say where: add it to where", fn, a)
					continue
				}
				probeAction(t, policy, a, places, env, values)
			}
		})
	}
}

// probeAction checks that policy allows action exactly on places: on an
// object under each prefix listed and on no other prefix, in no other
// bucket, and (for listing) only with an oss:Prefix under the listed one.
func probeAction(t *testing.T, policy Policy, action string, places []string, env, values map[string]string) {
	t.Helper()
	obj := func(bucket, prefix string) string {
		return "acs:oss:" + values["region"] + ":" + fakeAccount + ":" + bucket + "/" + prefix + "/p/u/2026/01/02/id.jpg"
	}
	bucketARN := "acs:oss:" + values["region"] + ":" + fakeAccount + ":" + values["bucket"]
	for _, v := range []string{config.VarUploadPrefix, config.VarRecordsPrefix, config.VarQuarantinePrefix, "elsewhere"} {
		prefix := env[v]
		if v == "elsewhere" {
			prefix = "elsewhere"
		}
		wantObj, wantList := contains(places, v), contains(places, "list:"+v)
		check := func(r Request, want bool) {
			if got := policy.Allows(r); got != want {
				t.Errorf("%s on %s (context %v): got allowed=%v, want %v", r.Action, r.Resource, r.Context, got, want)
			}
		}
		if listing[action] {
			check(Request{Action: action, Resource: bucketARN, Context: map[string]string{"oss:Prefix": prefix + "/u/"}}, wantList)
			continue
		}
		check(Request{Action: action, Resource: obj(values["bucket"], prefix)}, wantObj)
		check(Request{Action: action, Resource: obj("other-bucket", prefix)}, false)
	}
	if listing[action] {
		if policy.Allows(Request{Action: action, Resource: bucketARN}) {
			t.Errorf("%s on %s without oss:Prefix: got allowed, want denied", action, bucketARN)
		}
	}
}

// listing holds the actions on the bucket itself, limited by oss:Prefix.
var listing = map[string]bool{"oss:ListObjects": true, "oss:ListMultipartUploads": true}

func TestTriggerRole(t *testing.T) {
	docs, values := renderedRAM(t)
	p := docs["trigger-policy.json"]
	if got, want := grantedActions(p), []string{"fc:InvokeFunction"}; !cmp.Equal(got, want) {
		t.Errorf("trigger role actions: got %v, want %v", got, want)
	}
	fn := func(name string) string {
		return "acs:fc:" + values["region"] + ":" + fakeAccount + ":functions/" + name
	}
	sign := function(t, renderedSYAML(t, func(string) string { return "" }), "sign").FunctionName
	for _, c := range []struct {
		r    Request
		want bool
	}{
		{Request{Action: "fc:InvokeFunction", Resource: fn(values["recordFunction"])}, true},
		{Request{Action: "fc:InvokeFunction", Resource: fn(values["recordFunction"]) + "/LATEST"}, true},
		{Request{Action: "fc:InvokeFunction", Resource: fn(sign)}, false},
		{Request{Action: "fc:UpdateFunction", Resource: fn(values["recordFunction"])}, false},
		{Request{Action: "fc:InvokeFunction", Resource: "acs:fc:" + values["region"] + ":999999999999:functions/" + values["recordFunction"]}, false},
	} {
		if got := p.Allows(c.r); got != c.want {
			t.Errorf("%s on %s: got allowed=%v, want %v", c.r.Action, c.r.Resource, got, c.want)
		}
	}
}

func grantedActions(p Policy) []string {
	set := map[string]bool{}
	for _, s := range p.Statement {
		for _, a := range s.Action {
			set[a] = true
		}
	}
	return keys(set)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestDeadLetterGrants checks the grants of the record function's onFailure
// destination: the record role may invoke the sweep function (FC delivers
// the destination with it) and nothing else, and the sweep role may delete
// the dead letters it kept under the records prefix and no record.
func TestDeadLetterGrants(t *testing.T) {
	docs, values := renderedRAM(t)
	p := loadSYAML(t)
	dest := p.Resources["record"].Props.AsyncInvokeConfig
	if dest == nil || dest.DestinationConfig.OnFailure == nil {
		t.Fatal("the record function has no onFailure destination")
	}
	sweep := function(t, p, "sweep").FunctionName
	if want := ":functions/" + sweep; !strings.HasSuffix(dest.DestinationConfig.OnFailure.Destination, want) {
		t.Errorf("onFailure destination %q: want the sweep function (…%s)", dest.DestinationConfig.OnFailure.Destination, want)
	}
	fn := func(name string) string {
		return "acs:fc:" + values["region"] + ":" + fakeAccount + ":functions/" + name
	}
	rec := docs["record-policy.json"]
	for _, c := range []struct {
		r    Request
		want bool
	}{
		{Request{Action: "fc:InvokeFunction", Resource: fn(sweep)}, true},
		{Request{Action: "fc:InvokeFunction", Resource: fn(values["recordFunction"])}, false},
		{Request{Action: "fc:InvokeFunction", Resource: fn("ossgate-sign")}, false},
	} {
		if got := rec.Allows(c.r); got != c.want {
			t.Errorf("record role: %s on %s: got allowed=%v, want %v", c.r.Action, c.r.Resource, got, c.want)
		}
	}
	sw := docs["sweep-policy.json"]
	obj := func(key string) string {
		return "acs:oss:" + values["region"] + ":" + fakeAccount + ":" + values["bucket"] + "/" + key
	}
	for key, want := range map[string]bool{
		values["recordsPrefix"] + "/_deadletter/20261205/req.json": true,
		values["recordsPrefix"] + "/alice/r/0123.json":             false,
	} {
		if got := sw.Allows(Request{Action: "oss:DeleteObject", Resource: obj(key)}); got != want {
			t.Errorf("sweep role: delete %s: got allowed=%v, want %v", key, got, want)
		}
	}
}

// checkOpenAPICallers fails the test when a reached function calls the
// generic OpenAPI client but is not in openAPIActions.
func checkOpenAPICallers(t *testing.T, prog *program, reached []string) {
	t.Helper()
	for caller, callees := range prog.edges {
		if !contains(reached, caller.FullName()) {
			continue
		}
		for _, c := range callees {
			if openAPIClient.MatchString(c.FullName()) && openAPIActions[caller.FullName()] == nil {
				t.Errorf("%s calls %s, which openAPIActions does not map to RAM actions", caller.FullName(), c.FullName())
			}
		}
	}
}

// TestPendingMarkerGrants: the record and sweep roles may delete the OSS
// store's pending markers (a settled verdict deletes its marker) and no
// other record object; the sweep role also the webhook events it kept and
// delivered.
func TestPendingMarkerGrants(t *testing.T) {
	docs, values := renderedRAM(t)
	obj := func(key string) string {
		return "acs:oss:" + values["region"] + ":" + fakeAccount + ":" + values["bucket"] + "/" + key
	}
	for _, role := range []string{"record", "sweep"} {
		p := docs[role+"-policy.json"]
		for key, want := range map[string]bool{
			values["recordsPrefix"] + "/_pending/0000000000000000001.0123.alice": true,
			values["recordsPrefix"] + "/alice/r/0123.json":                       false,
			values["recordsPrefix"] + "/alice/g/0123.json":                       false,
		} {
			if got := p.Allows(Request{Action: "oss:DeleteObject", Resource: obj(key)}); got != want {
				t.Errorf("%s role: delete %s: got allowed=%v, want %v", role, key, got, want)
			}
		}
		kept := values["recordsPrefix"] + "/_webhooks/evt_0123.json"
		if got := p.Allows(Request{Action: "oss:DeleteObject", Resource: obj(kept)}); got != (role == "sweep") {
			t.Errorf("%s role: delete %s: got allowed=%v, want %v", role, kept, got, role == "sweep")
		}
		if !p.Allows(Request{Action: "yundun-greenweb:ImageModeration", Resource: "*"}) {
			t.Errorf("%s role: yundun-greenweb:ImageModeration not allowed", role)
		}
	}
	// The sign function moderates too: POST /callback records an upload
	// through the record function's code, moderation included.
	if !docs["sign-policy.json"].Allows(Request{Action: "yundun-greenweb:ImageModeration", Resource: "*"}) {
		t.Error("sign role: yundun-greenweb:ImageModeration not allowed")
	}
}
