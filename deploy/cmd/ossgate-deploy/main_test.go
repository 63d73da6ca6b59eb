package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/deploy"
)

func TestEndpoint(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"deploy", `{"record":{"functionName":"ossgate-record","environmentVariables":{"OSSGATE_BUCKET":"b"}},
			"sign":{"region":"cn-hangzhou","functionName":"ossgate-sign","environmentVariables":{"OSSGATE_JWT_SECRET":"s3cret-must-not-show"},
			"url":{"system_url":"https://ossgate-sign-abc.cn-hangzhou.fcapp.run","system_intranet_url":"https://x-internal"}}}`,
			"deployed: ossgate-record\ndeployed: ossgate-sign\nsign endpoint: https://ossgate-sign-abc.cn-hangzhou.fcapp.run\n", false},
		{"custom domain too", `{"url":{"custom_domain":"api.example.com","system_url":"https://s"}}`,
			"sign endpoint: api.example.com\nsign endpoint: https://s\n", false},
		{"none", `{"sign":{"url":{}}}`, "", true},
		{"not json", `deploy failed`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run([]string{"endpoint"}, strings.NewReader(tt.in), &out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestRAM(t *testing.T) {
	sy, err := os.ReadFile(filepath.Join("..", "..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	project := filepath.Join(dir, "s.yaml")
	filled := strings.Replace(string(sy), "\n  bucket: ''\n", "\n  bucket: example-bucket\n", 1)
	if err := os.WriteFile(project, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ram")
	var stdout bytes.Buffer
	if err := run([]string{"ram", "-account", "1234567890123456", "-project", project, "-out", out}, nil, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, name := range deploy.RAMDocuments() {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := deploy.ParsePolicy(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if bytes.Contains(b, []byte("${")) {
			t.Errorf("%s: placeholder left:\n%s", name, b)
		}
	}
	if err := run([]string{"ram", "-account", "12", "-project", project, "-out", out}, nil, &stdout); err == nil {
		t.Error("ram with a malformed account ID: got no error, want one")
	}
}

func TestCheckCommand(t *testing.T) {
	preview := `{"edition":"3.0.0","name":"ossgate","access":"default","resources":{"sign":{"component":"fc3","props":{
		"region":"cn-hangzhou","functionName":"ossgate-sign","runtime":"go1","handler":"bootstrap","code":"./nowhere.zip",
		"role":"acs:ram::${config('AccountID')}:role/ossgate-sign","environmentVariables":{"OSSGATE_FUNCTION":"sign"}}}}}`
	var out bytes.Buffer
	err := run([]string{"check", "-dir", t.TempDir()}, strings.NewReader(preview), &out)
	if err == nil {
		t.Fatalf("check: got no error, want one; output:\n%s", out.String())
	}
	for _, want := range []string{"refusing to deploy", `access "default" is not configured`, "code ./nowhere.zip is missing", "OSSGATE_BUCKET"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; got:\n%s", want, out.String())
		}
	}
}
