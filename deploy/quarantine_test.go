package deploy

import "testing"

// The tag the record function sets in tag mode (record.TagStatus and
// quarantineTagValue; record's TestTagPolicyNamesTheTag checks the
// document against them).
const (
	quarantineTagKey   = "ossgate-status"
	quarantineTagValue = "quarantined"
)

// TestQuarantineTagBucketPolicy checks the bucket policy that tag mode
// needs (OSS evaluates oss:ExistingObjectTag/<key> for reads such as
// GetObject and HeadObject): it denies reading an upload that carries the
// very tag the record function sets, to everyone, and nothing else: not an
// untagged or otherwise tagged upload, not a record, not another bucket.
func TestQuarantineTagBucketPolicy(t *testing.T) {
	docs, values := renderedRAM(t)
	p := docs["quarantine-tag-bucket-policy.json"]
	obj := func(bucket, prefix string) string {
		return "acs:oss:" + values["region"] + ":" + fakeAccount + ":" + bucket + "/" + prefix + "/avatar/u/2026/01/02/id.png"
	}
	tag := "oss:ExistingObjectTag/" + quarantineTagKey
	tests := []struct {
		name   string
		r      Request
		denied bool
	}{
		{"tagged upload", Request{Action: "oss:GetObject", Resource: obj(values["bucket"], values["uploadPrefix"]), Context: map[string]string{tag: quarantineTagValue}}, true},
		{"tagged upload, action in another case", Request{Action: "OSS:GetObject", Resource: obj(values["bucket"], values["uploadPrefix"]), Context: map[string]string{tag: quarantineTagValue}}, true},
		{"untagged upload", Request{Action: "oss:GetObject", Resource: obj(values["bucket"], values["uploadPrefix"])}, false},
		{"upload tagged otherwise", Request{Action: "oss:GetObject", Resource: obj(values["bucket"], values["uploadPrefix"]), Context: map[string]string{tag: "ok"}}, false},
		{"tagged record", Request{Action: "oss:GetObject", Resource: obj(values["bucket"], values["recordsPrefix"]), Context: map[string]string{tag: quarantineTagValue}}, false},
		{"tagged upload, other bucket", Request{Action: "oss:GetObject", Resource: obj("other-bucket", values["uploadPrefix"]), Context: map[string]string{tag: quarantineTagValue}}, false},
		{"tagging it", Request{Action: "oss:PutObjectTagging", Resource: obj(values["bucket"], values["uploadPrefix"]), Context: map[string]string{tag: quarantineTagValue}}, false},
	}
	for _, tt := range tests {
		denied := false
		for _, s := range p.Statement {
			if s.Effect != "Deny" && s.matches(tt.r) {
				t.Errorf("%s: statement %+v allows something; a bucket policy here only denies", tt.name, s)
			}
			denied = denied || s.Effect == "Deny" && s.matches(tt.r)
		}
		if denied != tt.denied {
			t.Errorf("%s: got denied=%v, want %v", tt.name, denied, tt.denied)
		}
	}
	for _, s := range p.Statement {
		if s.Principal == nil || len(s.Principal.IDs) != 1 || s.Principal.IDs[0] != "*" {
			t.Errorf("statement %+v: want Principal [\"*\"] (everyone, the record role too)", s)
		}
	}
}
