package aliyun_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/moderation/aliyun"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/local/greenemu"
	"github.com/ossgate/ossgate/signer"
)

var sts = signer.Credentials{AccessKeyID: "STS.abc", AccessKeySecret: "secret-1", SecurityToken: "CAIStoken"}

// newProvider returns a provider whose calls go to a greenemu that knows
// sts and holds objects, signed with creds.
func newProvider(t *testing.T, creds signer.Credentials, objects map[string]string) (*aliyun.Provider, *greenemu.Server) {
	t.Helper()
	emu := greenemu.New(greenemu.Config{
		Credential: func(ak string) (string, string, bool) {
			return sts.AccessKeySecret, sts.SecurityToken, ak == sts.AccessKeyID
		},
		Read: func(_ context.Context, region, bucket, key string) ([]byte, error) {
			body, ok := objects[region+"/"+bucket+"/"+key]
			if !ok {
				return nil, errors.New("no such object")
			}
			return []byte(body), nil
		},
	})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	p, err := aliyun.New(aliyun.Options{Endpoint: srv.URL, Region: "cn-shanghai", Bucket: "b",
		Credentials: func(context.Context) (signer.Credentials, error) { return creds, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return p, emu
}

func TestCheck(t *testing.T) {
	objects := map[string]string{
		"cn-shanghai/b/uploads/clean.png": "\x89PNG clean",
		"cn-shanghai/b/uploads/risky.png": "\x89PNG ... OSSGATE-TEST-RISKY ...",
	}
	m := config.Moderation{Provider: "aliyun", Service: "baselineCheck", RejectLevel: "high"}
	tests := []struct {
		name, key string
		creds     signer.Credentials
		want      moderation.Result
		wantErr   string
	}{
		{"clean", "uploads/clean.png", sts, moderation.Result{Decided: true}, ""},
		{"risky", "uploads/risky.png", sts, moderation.Result{Decided: true, Rejected: true,
			Labels: []records.Label{{Label: greenemu.RiskyLabel, Confidence: 99}}}, ""},
		{"wrong secret", "uploads/clean.png", signer.Credentials{AccessKeyID: sts.AccessKeyID, AccessKeySecret: "x", SecurityToken: sts.SecurityToken},
			moderation.Result{}, "SignatureDoesNotMatch"},
		{"wrong token", "uploads/clean.png", signer.Credentials{AccessKeyID: sts.AccessKeyID, AccessKeySecret: sts.AccessKeySecret, SecurityToken: "old"},
			moderation.Result{}, "InvalidSecurityToken"},
		{"unknown key", "uploads/clean.png", signer.Credentials{AccessKeyID: "STS.other", AccessKeySecret: "x"},
			moderation.Result{}, "InvalidAccessKeyId"},
		{"missing object", "uploads/gone.png", sts, moderation.Result{}, "code 408"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, emu := newProvider(t, tt.creds, objects)
			got, err := p.Check(t.Context(), records.Record{ID: "id1", Key: tt.key}, m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check: got %v, want an error with %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got.TraceID == "" {
				t.Error("no RequestId kept as the trace id")
			}
			got.TraceID = ""
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Check (-want +got):\n%s", d)
			}
			if emu.Calls() != 1 {
				t.Errorf("calls: %d, want 1", emu.Calls())
			}
		})
	}
}

func TestDecide(t *testing.T) {
	answer := func(level string) aliyun.Response {
		var r aliyun.Response
		r.Code, r.RequestID, r.Data.RiskLevel = 200, "R", level
		r.Data.Result = []aliyun.Result{{Label: "sexual_partialNudity", Confidence: 81.2, RiskLevel: level}}
		return r
	}
	tests := []struct {
		level, reject string
		rejected      bool
	}{
		{"high", "high", true}, {"medium", "high", false}, {"medium", "medium", true}, {"low", "medium", false},
		{"low", "low", true}, {"none", "low", false}, {"HIGH", "high", true},
	}
	for _, tt := range tests {
		got, err := aliyun.Decide(answer(tt.level), tt.reject)
		if err != nil || got.Rejected != tt.rejected || !got.Decided {
			t.Errorf("Decide(%s, reject from %s) = %+v, %v; want rejected %v", tt.level, tt.reject, got, err, tt.rejected)
		}
	}
	bad := answer("severe")
	if _, err := aliyun.Decide(bad, "high"); err == nil {
		t.Error("Decide of an unknown risk level: got nil, want an error")
	}
	bad = answer("none")
	bad.Code, bad.Msg = 588, "quota"
	if _, err := aliyun.Decide(bad, "high"); err == nil {
		t.Error("Decide of Code 588: got nil, want an error")
	}
}
