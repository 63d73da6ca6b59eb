package ossemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestPostObjectV1: a PostObject form signed with V1 (the PostObject page of
// the OSS API reference: OSSAccessKeyId, policy, Signature =
// base64(HMAC-SHA1(AccessKeySecret, policy))) is accepted; a wrong
// signature is SignatureDoesNotMatch, a field the policy does not cover
// "Extra input fields", a past expiration "Policy expired.", all before
// anything is stored. The key field needs no condition in a V1 form:
// ali-oss 6.23.0's "should get signature for postObject" posts a key under
// a policy that names only the bucket, and expects 204.
func TestPostObjectV1(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, now, nil)
	keyCondition := true
	form := func(key string, expiration time.Time, secret string, extra ...[2]string) (*http.Response, []byte) {
		t.Helper()
		conds := []any{map[string]string{"bucket": testBucket}}
		if keyCondition {
			conds = append(conds, []string{"eq", "$key", key})
		}
		pol, err := json.Marshal(map[string]any{
			"expiration": expiration.Format("2006-01-02T15:04:05.000Z"),
			"conditions": conds,
		})
		if err != nil {
			t.Fatal(err)
		}
		p := base64.StdEncoding.EncodeToString(pol)
		m := hmac.New(sha1.New, []byte(secret))
		m.Write([]byte(p))
		fields := [][2]string{{"key", key}, {"OSSAccessKeyId", testAK}, {"policy", p},
			{"Signature", base64.StdEncoding.EncodeToString(m.Sum(nil))}}
		body, ct := multipartBody(t, append(fields, extra...), filePart{Name: "file", FileName: "a.txt", Data: []byte("v1 form")})
		return f.post(t, body, ct)
	}
	if resp, body := form("v1/ok.txt", now.Add(time.Hour), testSecret); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("V1 form: got %d %s, want 204", resp.StatusCode, body)
	}
	o, err := f.srv.store.Open(testBucket, "v1/ok.txt")
	if err != nil {
		t.Fatalf("stored object: %v", err)
	}
	o.Close()
	for _, c := range []struct {
		name, key string
		exp       time.Time
		secret    string
		extra     [][2]string
		wantCode  string
	}{
		{"wrong-secret", "v1/a", now.Add(time.Hour), "wrong", nil, "SignatureDoesNotMatch"},
		{"extra-field", "v1/b", now.Add(time.Hour), testSecret, [][2]string{{"x-oss-meta-a", "1"}}, "AccessDenied"},
		{"expired", "v1/c", now.Add(-time.Minute), testSecret, nil, "AccessDenied"},
	} {
		resp, body := form(c.key, c.exp, c.secret, c.extra...)
		if e := ossError(t, body); e.Code != c.wantCode {
			t.Errorf("%s: got %d %s, want %s", c.name, resp.StatusCode, e.Code, c.wantCode)
		}
		if _, err := f.srv.store.Open(testBucket, c.key); err == nil {
			t.Errorf("%s: the object was stored", c.name)
		}
	}
	keyCondition = false
	if resp, body := form("v1/no-key-condition.txt", now.Add(time.Hour), testSecret); resp.StatusCode != http.StatusNoContent {
		t.Errorf("V1 form whose policy names only the bucket: got %d %s, want 204", resp.StatusCode, body)
	}
	if resp, body := form("v1/d", now.Add(time.Hour), testSecret, [2]string{"x-oss-meta-a", "1"}); ossError(t, body).Code != "AccessDenied" {
		t.Errorf("V1 form with an uncovered x-oss-meta-a: got %d %s, want AccessDenied", resp.StatusCode, body)
	}
}
