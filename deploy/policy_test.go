package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"string action", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:1:b/k"}]}`, ""},
		{"list action", `{"Version":"1","Statement":[{"Effect":"Deny","Action":["a:B"],"Resource":["x"]}]}`, ""},
		{"version", `{"Version":"2","Statement":[{"Effect":"Allow","Action":"a:B"}]}`, "Version"},
		{"unknown field", `{"Version":"1","Statment":[]}`, "unknown field"},
		{"no statement", `{"Version":"1","Statement":[]}`, "no Statement"},
		{"effect", `{"Version":"1","Statement":[{"Effect":"allow","Action":"a:B"}]}`, "Effect"},
		{"no action", `{"Version":"1","Statement":[{"Effect":"Allow"}]}`, "no Action"},
		{"trailing", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"a:B"}]} {}`, "trailing"},
		{"action type", `{"Version":"1","Statement":[{"Effect":"Allow","Action":1}]}`, "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tt.doc))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRender(t *testing.T) {
	doc := []byte(`{"r": "acs:oss:*:${accountId}:${bucket}/${uploadPrefix}/*", "again": "${bucket}"}`)
	if got, want := Placeholders(doc), []string{"accountId", "bucket", "uploadPrefix"}; !cmp.Equal(got, want) {
		t.Errorf("Placeholders: got %v, want %v", got, want)
	}
	got, err := Render(doc, map[string]string{"accountId": "123", "bucket": "b", "uploadPrefix": "uploads", "unused": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"r": "acs:oss:*:123:b/uploads/*", "again": "b"}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for name, values := range map[string]map[string]string{
		"missing":  {"accountId": "1", "bucket": "b"},
		"empty":    {"accountId": "1", "bucket": "", "uploadPrefix": "u"},
		"wildcard": {"accountId": "1", "bucket": "b*", "uploadPrefix": "u"},
		"quote":    {"accountId": "1", "bucket": "b", "uploadPrefix": `u"`},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Render(doc, values); err == nil {
				t.Errorf("got no error for %v, want one", values)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"records/*", "records/", true},
		{"records/*", "records/a/b.json", true},
		{"records/*", "records", false},
		{"records/*", "uploads/a", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*", "", true},
		{"acs:oss:*:1:b/u/*", "acs:oss:cn-hangzhou:1:b/u/x", true},
		{"acs:oss:*:1:b/u/*", "acs:oss:*:1:b2/u/x", false},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q): got %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestAllows(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"Version":"1","Statement":[
		{"Effect":"Allow","Action":["oss:PutObject","oss:GetObject"],"Resource":["acs:oss:*:1:b/u/*"]},
		{"Effect":"Allow","Action":"oss:ListObjects","Resource":"acs:oss:*:1:b","Condition":{"StringLike":{"oss:Prefix":"r/*"}}},
		{"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:1:b/u/secret"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    Request
		want bool
	}{
		{"allowed", Request{Action: "oss:PutObject", Resource: "acs:oss:*:1:b/u/k"}, true},
		{"action case", Request{Action: "OSS:putobject", Resource: "acs:oss:*:1:b/u/k"}, true},
		{"other action", Request{Action: "oss:DeleteObject", Resource: "acs:oss:*:1:b/u/k"}, false},
		{"other prefix", Request{Action: "oss:PutObject", Resource: "acs:oss:*:1:b/r/k"}, false},
		{"denied", Request{Action: "oss:GetObject", Resource: "acs:oss:*:1:b/u/secret"}, false},
		{"condition holds", Request{Action: "oss:ListObjects", Resource: "acs:oss:*:1:b", Context: map[string]string{"oss:Prefix": "r/2026/"}}, true},
		{"condition fails", Request{Action: "oss:ListObjects", Resource: "acs:oss:*:1:b", Context: map[string]string{"oss:Prefix": "u/"}}, false},
		{"condition key absent", Request{Action: "oss:ListObjects", Resource: "acs:oss:*:1:b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Allows(tt.r); got != tt.want {
				t.Errorf("Allows(%+v): got %v, want %v", tt.r, got, tt.want)
			}
		})
	}
}

func TestLint(t *testing.T) {
	tests := []struct {
		name, action, resource string
		wantBreach             bool
	}{
		{"object prefix", "oss:GetObject", "acs:oss:*:123:b/uploads/*", false},
		{"bucket", "oss:ListObjects", "acs:oss:*:123:b", false},
		{"function", "fc:InvokeFunction", "acs:fc:cn-hangzhou:123:functions/f", false},
		{"bare action", "*", "acs:oss:*:123:b/u/*", true},
		{"service action", "oss:*", "acs:oss:*:123:b/u/*", true},
		{"action pattern", "oss:Get*", "acs:oss:*:123:b/u/*", true},
		{"bare resource", "oss:GetObject", "*", true},
		{"operation-level service", "yundun-greenweb:ImageModeration", "*", false},
		{"operation-level service, pattern", "yundun-greenweb:Image*", "*", true},
		{"any bucket", "oss:GetObject", "acs:oss:*:123:*", true},
		{"bucket pattern", "oss:GetObject", "acs:oss:*:123:b*/u/*", true},
		{"any account", "oss:GetObject", "acs:oss:*:*:b/u/*", true},
		{"whole bucket", "oss:GetObject", "acs:oss:*:123:b/*", false},
		{"inner wildcard", "oss:GetObject", "acs:oss:*:123:b/*/x", true},
		{"not an ARN", "oss:GetObject", "b/u/*", true},
		{"unclean path", "oss:GetObject", "acs:oss:*:123:b/u/../r/*", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Version: "1", Statement: []Statement{{Effect: "Allow", Action: Strings{tt.action}, Resource: Strings{tt.resource}}}}
			got := Lint(p)
			if (len(got) > 0) != tt.wantBreach {
				t.Errorf("Lint(%s on %s): got %v, want breach %v", tt.action, tt.resource, got, tt.wantBreach)
			}
		})
	}
}
