package stack

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/local/ossemu"
)

// TestSTSControl checks that SetSTS (and its HTTP control) makes the OSS
// endpoint refuse a minted credential with each STS code, one credential or
// all of them including those minted later, and accept it again.
func TestSTSControl(t *testing.T) {
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: "cn-hangzhou", Buckets: []string{"sts-test"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s := &Stack{OSS: srv}
	mint := s.minter()
	put := func(c ossemu.Credential) string {
		cl, err := oss.New(hs.URL, c.AccessKeyID, c.AccessKeySecret, oss.SecurityToken(c.SecurityToken), oss.ForcePathStyle(true))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := cl.Bucket("sts-test")
		var se oss.ServiceError
		if err := b.PutObject("k", strings.NewReader("v")); errors.As(err, &se) {
			return se.Code
		} else if err != nil {
			t.Fatal(err)
		}
		return ""
	}
	asOSS := func() ossemu.Credential {
		c := mint()
		return ossemu.Credential{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
	}
	control := httptest.NewServer(s.STSControl())
	t.Cleanup(control.Close)
	post := func(query string) int {
		resp, err := http.Post(control.URL+"/sts?"+query, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	c, other := asOSS(), asOSS()
	for state, code := range map[STSState]string{STSExpired: "SecurityTokenExpired", STSInvalid: "InvalidSecurityToken", STSUnknown: "InvalidAccessKeyId", STSValid: ""} {
		if st := post("accessKeyId=" + c.AccessKeyID + "&state=" + string(state)); st != http.StatusNoContent {
			t.Fatalf("control %s: got %d, want 204", state, st)
		}
		if got := put(c); got != code {
			t.Errorf("credential set %s: got %q, want %q", state, got, code)
		}
		if got := put(other); got != "" {
			t.Errorf("credential set %s: another credential got %q, want it untouched", state, got)
		}
	}
	if st := post("state=expired"); st != http.StatusNoContent {
		t.Fatalf("control for all: got %d, want 204", st)
	}
	if a, b, later := put(c), put(other), put(asOSS()); a != "SecurityTokenExpired" || b != a || later != a {
		t.Errorf("all expired: got %q, %q and, minted later, %q; want SecurityTokenExpired each", a, b, later)
	}
	if st := post("state=valid"); st != http.StatusNoContent || put(c) != "" || put(asOSS()) != "" {
		t.Errorf("all valid again: control %d, want every credential accepted", st)
	}
	for q, want := range map[string]int{"accessKeyId=STS.nope&state=expired": 404, "accessKeyId=" + c.AccessKeyID + "&state=gone": 400} {
		if st := post(q); st != want {
			t.Errorf("control %s: got %d, want %d", q, st, want)
		}
	}
}
