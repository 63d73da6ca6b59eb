package ossemu

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ossgate/ossgate/internal/oracletest"
)

// oracleSpec is the input of testdata/oracle/postform.js.
type oracleSpec struct {
	Name            string      `json:"name"`
	AccessKeyID     string      `json:"accessKeyId"`
	AccessKeySecret string      `json:"accessKeySecret"`
	SecurityToken   string      `json:"securityToken,omitempty"`
	Region          string      `json:"region"`
	Bucket          string      `json:"bucket"`
	Key             string      `json:"key"`
	Date            string      `json:"date"`
	Expiration      string      `json:"expiration"`
	Conditions      []any       `json:"conditions,omitempty"`
	Fields          [][2]string `json:"fields,omitempty"`
	Uncovered       []string    `json:"uncovered,omitempty"`
	RawPolicy       *string     `json:"rawPolicy,omitempty"`
}

// oracleForm is one signed form from postform.js.
type oracleForm struct {
	Name   string      `json:"name"`
	Fields [][2]string `json:"fields"`
}

// oracleNow is the emulator's clock in the oracle tests.
var oracleNow = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)

// baseSpec is a typical ossgate form: STS credentials, a pinned key, type,
// status, user metadata and a size range of 1..1000 bytes.
func baseSpec(name string) oracleSpec {
	return oracleSpec{
		Name: name, AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken,
		Region: testRegion, Bucket: testBucket, Key: "uploads/avatar/u1/2026/11/25/abc.png",
		Date:       oracleNow.Add(-time.Minute).Format(time.RFC3339),
		Expiration: oracleNow.Add(30 * time.Minute).Format("2006-01-02T15:04:05.000Z"),
		Conditions: []any{[]any{"content-length-range", 1, 1000}},
		Fields: [][2]string{
			{"Content-Type", "image/png"}, {"success_action_status", "201"}, {"x-oss-meta-uploader", "u1"},
		},
	}
}

func with(s oracleSpec, f func(*oracleSpec)) oracleSpec { f(&s); return s }

func ptr(s string) *string { return &s }

// signForms runs postform.js once for all specs.
func signForms(t *testing.T, specs []oracleSpec) map[string][][2]string {
	t.Helper()
	var out []oracleForm
	oracletest.Run(t, "postform.js", specs, &out)
	forms := map[string][][2]string{}
	for _, f := range out {
		forms[f.Name] = f.Fields
	}
	return forms
}

var pngData = bytes.Repeat([]byte("png!"), 100)

func fileOf(data []byte) filePart {
	return filePart{Name: "file", FileName: "a.png", ContentType: "application/octet-stream", Data: data}
}

// TestOracleFormsAccepted posts forms signed by ali-oss and checks the stored
// object and the answer.
func TestOracleFormsAccepted(t *testing.T) {
	specs := []oracleSpec{
		baseSpec("sts-201"),
		with(baseSpec("long-term-key"), func(s *oracleSpec) {
			s.AccessKeyID, s.AccessKeySecret, s.SecurityToken = testAK, testSecret, ""
			s.Fields = [][2]string{{"Content-Type", "image/png"}}
		}),
		with(baseSpec("region-with-oss-prefix"), func(s *oracleSpec) { s.Region = "oss-" + testRegion }),
		with(baseSpec("odd-key"), func(s *oracleSpec) { s.Key = "uploads/a b+c%25 中文.png" }),
		with(baseSpec("status-200"), func(s *oracleSpec) { s.Fields[1][1] = "200" }),
		with(baseSpec("status-invalid-is-204"), func(s *oracleSpec) { s.Fields[1][1] = "299" }),
		with(baseSpec("starts-with-in-not-in"), func(s *oracleSpec) {
			s.Uncovered = []string{"Content-Type", "x-oss-meta-uploader"}
			s.Conditions = append(s.Conditions,
				[]any{"in", "$content-type", []string{"image/jpeg", "image/png"}},
				[]any{"starts-with", "$x-oss-meta-uploader", "u"},
				[]any{"not-in", "$x-oss-meta-uploader", []string{"admin"}})
		}),
	}
	forms := signForms(t, specs)
	f := newFixture(t, oracleNow, nil)
	wantStatus := map[string]int{"sts-201": 201, "region-with-oss-prefix": 201, "odd-key": 201, "starts-with-in-not-in": 201, "long-term-key": 204, "status-200": 200, "status-invalid-is-204": 204}
	for _, spec := range specs {
		t.Run(spec.Name, func(t *testing.T) {
			body, ct := multipartBody(t, forms[spec.Name], fileOf(pngData))
			resp, rb := f.post(t, body, ct)
			if resp.StatusCode != wantStatus[spec.Name] {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, wantStatus[spec.Name], rb)
			}
			sum := md5.Sum(pngData)
			etag := `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
			if got := resp.Header.Get("ETag"); got != etag {
				t.Errorf("ETag: got %s, want %s", got, etag)
			}
			if resp.Header.Get("x-oss-request-id") == "" {
				t.Error("no x-oss-request-id")
			}
			if resp.StatusCode == 201 {
				var pr postResult
				if err := xml.Unmarshal(rb, &pr); err != nil {
					t.Fatalf("201 body: %v\n%s", err, rb)
				}
				want := postResult{XMLName: pr.XMLName, Bucket: testBucket, Key: spec.Key, ETag: etag, Location: pr.Location}
				if diff := cmp.Diff(want, pr); diff != "" || !strings.HasPrefix(pr.Location, f.http.URL+"/"+testBucket+"/") {
					t.Errorf("PostResponse (-want +got):\n%s location %s", diff, pr.Location)
				}
			} else if len(rb) != 0 {
				t.Errorf("body: got %q, want empty", rb)
			}
			o, err := f.srv.store.Open(testBucket, spec.Key)
			if err != nil {
				t.Fatalf("stored object: %v", err)
			}
			defer o.Close()
			if o.Meta.ContentType != "image/png" || o.Meta.Size != int64(len(pngData)) {
				t.Errorf("stored: got type %q size %d, want image/png %d", o.Meta.ContentType, o.Meta.Size, len(pngData))
			}
		})
	}
}

// TestOracleFormsRejected posts ali-oss-signed forms that must fail, each with
// its OSS error code.
func TestOracleFormsRejected(t *testing.T) {
	expiredAK := "STS.EXPIRED-AK"
	specs := []oracleSpec{
		baseSpec("base"),
		with(baseSpec("expired"), func(s *oracleSpec) {
			s.Date = oracleNow.Add(-time.Hour).Format(time.RFC3339)
			s.Expiration = oracleNow.Add(-time.Second).Format("2006-01-02T15:04:05.000Z")
		}),
		with(baseSpec("wrong-region"), func(s *oracleSpec) { s.Region = "cn-shanghai" }),
		with(baseSpec("unknown-ak"), func(s *oracleSpec) { s.AccessKeyID = "LTAI-UNKNOWN" }),
		with(baseSpec("expired-sts"), func(s *oracleSpec) { s.AccessKeyID = expiredAK }),
		with(baseSpec("wrong-secret"), func(s *oracleSpec) { s.AccessKeySecret = "not-the-secret" }),
		with(baseSpec("extra-field"), func(s *oracleSpec) { s.Uncovered = []string{"x-oss-meta-uploader"} }),
		with(baseSpec("future-date"), func(s *oracleSpec) { s.Date = oracleNow.Add(20 * time.Minute).Format(time.RFC3339) }),
		with(baseSpec("over-7-days"), func(s *oracleSpec) {
			s.Expiration = oracleNow.Add(8 * 24 * time.Hour).Format("2006-01-02T15:04:05.000Z")
		}),
		with(baseSpec("leading-slash"), func(s *oracleSpec) { s.Key = "/abs.png" }),
		with(baseSpec("key-too-long"), func(s *oracleSpec) { s.Key = strings.Repeat("k", 1024) }),
		with(baseSpec("bucket-mismatch"), func(s *oracleSpec) { s.Bucket = "other-bucket" }),
		with(baseSpec("policy-not-json"), func(s *oracleSpec) { s.RawPolicy = ptr(`{"expiration": "2026-11-25T13:30:00.000Z", "conditions": [`) }),
		with(baseSpec("policy-no-expiration"), func(s *oracleSpec) { s.RawPolicy = ptr(`{"conditions": []}`) }),
		with(baseSpec("policy-two-property-condition"), func(s *oracleSpec) {
			s.RawPolicy = ptr(`{"expiration": "2026-11-25T13:30:00.000Z", "conditions": [{"bucket": "ossgate-test", "key": "x"}]}`)
		}),
		with(baseSpec("policy-without-credential"), func(s *oracleSpec) {
			s.RawPolicy = ptr(`{"expiration": "2026-11-25T13:30:00.000Z", "conditions": [{"x-oss-signature-version": "OSS4-HMAC-SHA256"}]}`)
		}),
	}
	forms := signForms(t, specs)
	f := newFixture(t, oracleNow, nil)
	f.srv.AddCredential(Credential{AccessKeyID: expiredAK, AccessKeySecret: stsSecret, SecurityToken: stsToken, Expires: oracleNow.Add(-time.Second)})
	file := fileOf(pngData)
	cases := []rejectCase{
		{name: "expired", code: "AccessDenied", msg: msgPolicyExpired},
		{name: "wrong-region", code: "InvalidArgument"},
		{name: "unknown-ak", code: "InvalidAccessKeyId", msg: msgInvalidAK},
		{name: "expired-sts", code: "SecurityTokenExpired", msg: msgTokenExpired},
		{name: "wrong-token", code: "InvalidSecurityToken", msg: msgTokenInvalid, fields: replace(forms["base"], "x-oss-security-token", func(string) string { return "another-token" })},
		{name: "wrong-secret", code: "SignatureDoesNotMatch", msg: msgSignature},
		{name: "extra-field", code: "AccessDenied", msg: "Invalid according to Policy: Extra input fields: x-oss-meta-uploader"},
		{name: "future-date", code: "RequestTimeTooSkewed"},
		{name: "over-7-days", code: "InvalidPolicyDocument"},
		{name: "leading-slash", code: "InvalidObjectName"},
		{name: "key-too-long", code: "InvalidObjectName"},
		{name: "bucket-mismatch", code: "AccessDenied", msg: `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "other-bucket"]`},
		{name: "policy-not-json", code: "InvalidPolicyDocument", msg: "Invalid Policy: Invalid JSON."},
		{name: "policy-no-expiration", code: "InvalidPolicyDocument"},
		{name: "policy-two-property-condition", code: "InvalidPolicyDocument", msg: "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{name: "policy-without-credential", code: "AccessDenied"},
		{name: "missing-token", code: "InvalidAccessKeyId", fields: without(forms["base"], "x-oss-security-token")},
		{name: "wrong-date-scope", code: "InvalidArgument", fields: replace(forms["base"], "x-oss-credential", func(v string) string {
			return strings.Replace(v, "/20261125/", "/20261124/", 1)
		})},
		{name: "file-too-large", code: "EntityTooLarge", parts: []filePart{fileOf(make([]byte, 1001))}},
		{name: "file-too-small", code: "EntityTooSmall", parts: []filePart{fileOf(nil)}},
		{name: "no-file", code: "IncorrectNumberOfFilesInPOSTRequest", parts: []filePart{}},
		{name: "two-files", code: "IncorrectNumberOfFilesInPOSTRequest", parts: []filePart{file, file}},
		{name: "file-not-last", code: "MalformedPOSTRequest", parts: []filePart{file, {Name: "x-oss-meta-late", Data: []byte("1")}}},
		{name: "file-first", code: "MalformedPOSTRequest", fields: [][2]string{}, parts: append([]filePart{file}, asParts(forms["base"])...)},
		{name: "file-name-not-file", code: "IncorrectNumberOfFilesInPOSTRequest", parts: []filePart{{Name: "upload", FileName: "a.png", Data: pngData}}},
	}
	for i := range cases {
		if cases[i].fields == nil {
			cases[i].fields = forms[cases[i].name]
			if cases[i].fields == nil {
				cases[i].fields = forms["base"]
			}
		}
	}
	cases = append(cases, mutations(forms["base"])...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parts := c.parts
			if parts == nil {
				parts = []filePart{file}
			}
			body, ct := multipartBody(t, c.fields, parts...)
			resp, rb := f.post(t, body, ct)
			e := ossError(t, rb)
			if e.Code != c.code {
				t.Fatalf("code: got %s (%d, %q), want %s", e.Code, resp.StatusCode, e.Message, c.code)
			}
			if c.msg != "" && e.Message != c.msg {
				t.Errorf("message: got %q, want %q", e.Message, c.msg)
			}
			if resp.StatusCode < 400 || resp.StatusCode > 499 || e.RequestID != resp.Header.Get("x-oss-request-id") {
				t.Errorf("got status %d request id %q/%q, want 4xx and the header's id", resp.StatusCode, e.RequestID, resp.Header.Get("x-oss-request-id"))
			}
		})
	}
	objs, err := f.srv.store.List(testBucket, "")
	if err != nil || len(objs) != 0 {
		t.Errorf("after rejected uploads: got %d objects (%v), want none", len(objs), err)
	}
}

// rejectCase is a form that must be rejected with code (and msg, if set);
// nil parts means the base file.
type rejectCase struct {
	name, code, msg string
	fields          [][2]string
	parts           []filePart
}

// mutations changes one byte (the first, and the last) of every field of
// the base form; each must be rejected with the code the emulator's check
// order gives.
func mutations(base [][2]string) []rejectCase {
	want := map[string][2]string{ // field -> codes for first byte, last byte
		"key":                     {"AccessDenied", "AccessDenied"},
		"Content-Type":            {"AccessDenied", "AccessDenied"},
		"success_action_status":   {"AccessDenied", "AccessDenied"},
		"x-oss-meta-uploader":     {"AccessDenied", "AccessDenied"},
		"policy":                  {"SignatureDoesNotMatch", "SignatureDoesNotMatch"},
		"x-oss-signature-version": {"InvalidArgument", "InvalidArgument"},
		"x-oss-credential":        {"InvalidAccessKeyId", "InvalidArgument"},
		"x-oss-date":              {"InvalidArgument", "InvalidArgument"},
		"x-oss-security-token":    {"InvalidSecurityToken", "InvalidSecurityToken"},
		"x-oss-signature":         {"SignatureDoesNotMatch", "SignatureDoesNotMatch"},
	}
	var out []rejectCase
	for _, fl := range base {
		codes, ok := want[fl[0]]
		if !ok {
			panic("mutations: no expectation for field " + fl[0])
		}
		for i, pos := range []string{"first", "last"} {
			idx := 0
			if pos == "last" {
				idx = len(fl[1]) - 1
			}
			out = append(out, rejectCase{name: "mutate-" + fl[0] + "-" + pos, code: codes[i], fields: replace(base, fl[0], func(v string) string {
				b := []byte(v)
				b[idx] ^= 1
				return string(b)
			})})
		}
	}
	// The seconds of x-oss-date: same day, within the skew, but no longer
	// the value the policy pins.
	out = append(out, rejectCase{name: "mutate-x-oss-date-seconds", code: "AccessDenied", fields: replace(base, "x-oss-date", func(v string) string {
		return v[:len(v)-2] + "1Z"
	})})
	return out
}

func replace(fields [][2]string, name string, f func(string) string) [][2]string {
	out := make([][2]string, len(fields))
	for i, fl := range fields {
		out[i] = fl
		if fl[0] == name {
			out[i][1] = f(fl[1])
		}
	}
	return out
}

func without(fields [][2]string, name string) [][2]string {
	var out [][2]string
	for _, fl := range fields {
		if fl[0] != name {
			out = append(out, fl)
		}
	}
	return out
}

// TestPostObjectNotMultipart checks bodies that are not multipart/form-data.
func TestPostObjectNotMultipart(t *testing.T) {
	f := newFixture(t, oracleNow, nil)
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=zzz"} {
		t.Run(ct, func(t *testing.T) {
			resp, rb := f.post(t, []byte("key=a&file=b"), ct)
			if e := ossError(t, rb); e.Code != "MalformedPOSTRequest" || resp.StatusCode != http.StatusBadRequest {
				t.Errorf("got %d %s, want 400 MalformedPOSTRequest", resp.StatusCode, e.Code)
			}
		})
	}
}

// asParts turns form fields into plain parts, to send them after the file.
func asParts(fields [][2]string) []filePart {
	parts := make([]filePart, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, filePart{Name: f[0], Data: []byte(f[1])})
	}
	return parts
}
