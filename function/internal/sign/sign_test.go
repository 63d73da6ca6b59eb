package sign

import (
	"encoding/base64"
	"encoding/json"
	"path"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/upload"
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
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: `{"profile":"avatar","files":[{"name":"我的 头像%.png","type":"Image/PNG","size":52311}]}`})
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	ups := decodeUploads(t, w.Body.Bytes())
	if len(ups) != 1 {
		t.Fatalf("uploads: got %d, want 1", len(ups))
	}
	u := ups[0]
	wantKey := testLayout.UploadKey("avatar", "alice", testNow, "00000000-0000-4000-8000-000000000001", ".png")
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
		upload.MetaUploader: "alice", upload.MetaProfile: "avatar",
		upload.MetaFilename:       "%E6%88%91%E7%9A%84%20%E5%A4%B4%E5%83%8F%25.png",
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
		[]any{"eq", "$" + upload.MetaUploader, "alice"},
		[]any{"eq", "$" + upload.MetaProfile, "avatar"},
		[]any{"eq", "$" + upload.MetaFilename, "%E6%88%91%E7%9A%84%20%E5%A4%B4%E5%83%8F%25.png"},
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
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "bob@example.com"), body: `{"profile":"multi","files":[
		{"name":"a.png","type":"image/png","size":10},{"name":"b.pdf","type":"application/pdf","size":20}]}`})
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	ups := decodeUploads(t, w.Body.Bytes())
	got := []string{ups[0].Key, ups[1].Key}
	want := []string{
		testLayout.UploadKey("multi", "bob@example.com", testNow, "00000000-0000-4000-8000-000000000001", ".png"),
		testLayout.UploadKey("multi", "bob@example.com", testNow, "00000000-0000-4000-8000-000000000002", ".pdf"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if ups[0].ObjectURL != "https://test-bucket.oss-cn-hangzhou.aliyuncs.com/"+want[0] {
		t.Errorf("objectUrl: got %q", ups[0].ObjectURL)
	}
}

func TestSignProfileRules(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "u1"), body: `{"profile":"tiny","files":[{"name":"n.txt","type":"text/plain","size":5}]}`})
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	u := decodeUploads(t, w.Body.Bytes())[0]
	type rules struct{ Status, ExpiresAt, Ext string }
	got := rules{u.Fields["success_action_status"], u.ExpiresAt, path.Ext(u.Key)}
	if diff := cmp.Diff(rules{"204", "2026-11-25T13:14:16Z", ".txt"}, got); diff != "" {
		t.Errorf("ticket of profile tiny (-want +got):\n%s", diff)
	}
}

func TestSignDefaultProfile(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Config.Profiles[DefaultProfile] = o.Config.Profiles["avatar"]
		p := o.Config.Profiles[DefaultProfile]
		p.Name = DefaultProfile
		o.Config.Profiles[DefaultProfile] = p
	})
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "u1"), body: `{"files":[{"name":"a.png","type":"image/png","size":5}]}`})
	if w.Code != 200 {
		t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
	}
	if k, want := decodeUploads(t, w.Body.Bytes())[0].Key, testLayout.UploadKey(DefaultProfile, "u1", testNow, "00000000-0000-4000-8000-000000000001", ".png"); k != want {
		t.Errorf("key: got %q, want %q", k, want)
	}
}

func TestSignPathStyleAndPublicBase(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Config.OSS.UploadURL = "http://127.0.0.1:9000/test-bucket"
		o.Config.OSS.PublicBaseURL = "https://cdn.example.com"
	})
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "u1"), body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`})
	u := decodeUploads(t, w.Body.Bytes())[0]
	if u.URL != "http://127.0.0.1:9000/test-bucket" || u.ObjectURL != "https://cdn.example.com/"+u.Key {
		t.Errorf("got url %q, objectUrl %q", u.URL, u.ObjectURL)
	}
}

func TestExpiresAtIsPolicyExpiration(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Now = func() time.Time { return testNow.Add(999 * time.Millisecond) } })
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "u1"), body: `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":5}]}`})
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
