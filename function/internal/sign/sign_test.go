package sign

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// policyDoc decodes a policy field.
func policyDoc(t *testing.T, b64 string) (exp string, conds []any) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("policy base64: %v", err)
	}
	var doc struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("policy JSON: %v", err)
	}
	return doc.Expiration, doc.Conditions
}

type wireUpload struct {
	URL       string            `json:"url"`
	Key       string            `json:"key"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt string            `json:"expiresAt"`
	MaxSize   int64             `json:"maxSize"`
	ObjectURL string            `json:"objectUrl"`
}

func decodeUploads(t *testing.T, body []byte) []wireUpload {
	t.Helper()
	var res struct {
		Uploads []wireUpload `json:"uploads"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("response %q: %v", body, err)
	}
	return res.Uploads
}

func TestSign(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do("POST", "/sign", token(t, "alice"), `{"profile":"avatar","files":[{"name":"我的 头像%.png","type":"Image/PNG","size":52311}]}`, nil)
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	ups := decodeUploads(t, w.Body.Bytes())
	if len(ups) != 1 {
		t.Fatalf("uploads: got %d, want 1", len(ups))
	}
	u := ups[0]
	wantKey := "uploads/avatar/alice/2026/11/25/00000000-0000-4000-8000-000000000001.png"
	want := wireUpload{
		URL: "https://test-bucket.oss-cn-hangzhou.aliyuncs.com", Key: wantKey,
		ExpiresAt: "2026-11-25T13:24:15Z", MaxSize: 52311,
		ObjectURL: "https://test-bucket.oss-cn-hangzhou.aliyuncs.com/" + wantKey,
	}
	fields := u.Fields
	u.Fields = nil
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("upload (-want +got):\n%s", diff)
	}
	wantFields := map[string]string{
		"key": wantKey, "Content-Type": "image/png", "success_action_status": "200",
		"x-oss-meta-uploader": "alice", "x-oss-meta-profile": "avatar",
		"x-oss-meta-filename":     "%E6%88%91%E7%9A%84%20%E5%A4%B4%E5%83%8F%25.png",
		"x-oss-signature-version": "OSS4-HMAC-SHA256",
		"x-oss-credential":        "STS.testAccessKeyId/20261125/cn-hangzhou/oss/aliyun_v4_request",
		"x-oss-date":              "20261125T131415Z", "x-oss-security-token": "testSecurityToken",
	}
	for k, v := range wantFields {
		if fields[k] != v {
			t.Errorf("field %s: got %q, want %q", k, fields[k], v)
		}
	}
	if len(fields["x-oss-signature"]) != 64 || fields["policy"] == "" {
		t.Errorf("signature %q / policy %q: want 64 hex digits and a policy", fields["x-oss-signature"], fields["policy"])
	}
	exp, conds := policyDoc(t, fields["policy"])
	if exp != "2026-11-25T13:24:15.000Z" {
		t.Errorf("expiration: got %q, want 2026-11-25T13:24:15.000Z", exp)
	}
	wantConds := []any{
		map[string]any{"bucket": "test-bucket"},
		[]any{"eq", "$key", wantKey},
		[]any{"eq", "$Content-Type", "image/png"},
		[]any{"content-length-range", float64(52311), float64(52311)},
		[]any{"eq", "$success_action_status", "200"},
		[]any{"eq", "$x-oss-meta-uploader", "alice"},
		[]any{"eq", "$x-oss-meta-profile", "avatar"},
		[]any{"eq", "$x-oss-meta-filename", "%E6%88%91%E7%9A%84%20%E5%A4%B4%E5%83%8F%25.png"},
	}
	if len(conds) < len(wantConds) {
		t.Fatalf("conditions: got %d, want at least %d", len(conds), len(wantConds))
	}
	if diff := cmp.Diff(wantConds, conds[:len(wantConds)]); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if h := w.Header().Get("Cache-Control"); h != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", h)
	}
}

func TestSignMultipleFiles(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do("POST", "/sign", token(t, "bob@example.com"), `{"profile":"multi","files":[
		{"name":"a.png","type":"image/png","size":10},{"name":"b.pdf","type":"application/pdf","size":20}]}`, nil)
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	ups := decodeUploads(t, w.Body.Bytes())
	got := []string{ups[0].Key, ups[1].Key}
	want := []string{
		"uploads/multi/bob@example.com/2026/11/25/00000000-0000-4000-8000-000000000001.png",
		"uploads/multi/bob@example.com/2026/11/25/00000000-0000-4000-8000-000000000002.pdf",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if ups[0].ObjectURL != "https://test-bucket.oss-cn-hangzhou.aliyuncs.com/uploads/multi/bob@example.com/2026/11/25/00000000-0000-4000-8000-000000000001.png" {
		t.Errorf("objectUrl: got %q", ups[0].ObjectURL)
	}
}

func TestSignProfileRules(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do("POST", "/sign", token(t, "u1"), `{"profile":"tiny","files":[{"name":"n.txt","type":"text/plain","size":5}]}`, nil)
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	u := decodeUploads(t, w.Body.Bytes())[0]
	if u.Fields["success_action_status"] != "204" || u.ExpiresAt != "2026-11-25T13:14:16Z" || !strings.HasSuffix(u.Key, ".txt") {
		t.Errorf("got status %q, expiresAt %q, key %q; want 204, 13:14:16Z, .txt",
			u.Fields["success_action_status"], u.ExpiresAt, u.Key)
	}
}

func TestSignDefaultProfile(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Config.Profiles[DefaultProfile] = o.Config.Profiles["avatar"]
		p := o.Config.Profiles[DefaultProfile]
		p.Name = DefaultProfile
		o.Config.Profiles[DefaultProfile] = p
	})
	w := f.do("POST", "/sign", token(t, "u1"), `{"files":[{"name":"a.png","type":"image/png","size":5}]}`, nil)
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	if k := decodeUploads(t, w.Body.Bytes())[0].Key; !strings.HasPrefix(k, "uploads/default/") {
		t.Errorf("key: got %q, want uploads/default/...", k)
	}
}

func TestSignPathStyleAndPublicBase(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Config.UploadURL = "http://127.0.0.1:9000/test-bucket"
		o.Config.PublicBaseURL = "https://cdn.example.com"
	})
	w := f.do("POST", "/sign", token(t, "u1"), `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`, nil)
	u := decodeUploads(t, w.Body.Bytes())[0]
	if u.URL != "http://127.0.0.1:9000/test-bucket" || !strings.HasPrefix(u.ObjectURL, "https://cdn.example.com/uploads/") {
		t.Errorf("got url %q, objectUrl %q", u.URL, u.ObjectURL)
	}
}

func TestUserSegment(t *testing.T) {
	tests := []struct{ user, want string }{
		{"alice", "alice"},
		{"a.b_c@d-e", "a.b_c@d-e"},
		{strings.Repeat("x", 64), strings.Repeat("x", 64)},
		{strings.Repeat("x", 65), "~"},
		{"..", "~"},
		{".", "~"},
		{"a/b", "~"},
		{"auth0|12345", "~"},
		{"用户", "~"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got := UserSegment(tt.user)
			if tt.want == "~" {
				if len(got) != 33 || got[0] != '~' {
					t.Errorf("got %q, want ~ and 32 hex digits", got)
				}
				if again := UserSegment(tt.user); again != got {
					t.Errorf("not deterministic: %q then %q", got, again)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if UserSegment("a/b") == UserSegment("a|b") {
		t.Error("different users share a segment")
	}
}

func TestExpiresAtIsPolicyExpiration(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Now = func() time.Time { return testNow.Add(999 * time.Millisecond) } })
	w := f.do("POST", "/sign", token(t, "u1"), `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`, nil)
	u := decodeUploads(t, w.Body.Bytes())[0]
	exp, _ := policyDoc(t, u.Fields["policy"])
	at, err := time.Parse(time.RFC3339, u.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	if got := at.UTC().Format("2006-01-02T15:04:05.000Z"); got != exp {
		t.Errorf("expiresAt %s, policy expiration %s: want equal", got, exp)
	}
}
