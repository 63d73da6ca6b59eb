package sign

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// tokenWith returns a valid HS256 bearer header for user whose token
// carries extra claims besides.
func tokenWith(t testing.TB, user string, extra map[string]any) string {
	t.Helper()
	c := jwt.MapClaims{"sub": user, "iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix()}
	for k, v := range extra {
		c[k] = v
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

// onWeChat makes profile moderate with wechat, the openid in claim.
func onWeChat(c *config.Config, profile, claim string) {
	p := c.Profiles[profile]
	p.Moderation = config.Moderation{Provider: config.ModerationWeChat, Timeout: config.DefaultModerationTimeout, OnTimeout: config.OnTimeoutReject}
	c.Profiles[profile] = p
	c.WeChat.OpenIDClaim = claim
}

const testOpenID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"

// TestSignPinsOpenID: a ticket of a profile on wechat pins the openid
// claim's value (not sub) in its policy and sends it as a form field; a
// profile off wechat pins none, whatever the token carries.
func TestSignPinsOpenID(t *testing.T) {
	f := newFixture(t, func(o *Options) { onWeChat(&o.Config, "avatar", "openid") })
	authz := tokenWith(t, "alice", map[string]any{"openid": testOpenID})
	for _, tt := range []struct {
		profile, ctype string
		want           string // the pinned openid, "" for none
	}{{"avatar", "image/png", testOpenID}, {"multi", "application/pdf", ""}} {
		t.Run(tt.profile, func(t *testing.T) {
			w := f.do(request{method: "POST", path: "/sign", authz: authz,
				body: `{"profile":"` + tt.profile + `","files":[{"name":"a","type":"` + tt.ctype + `","size":100}]}`})
			if w.Code != 200 {
				t.Fatalf("status: got %d, want 200; body %s", w.Code, w.Body)
			}
			fields := decodeUploads(t, w.Body.Bytes())[0].Fields
			if got, ok := fields[upload.MetaOpenID]; got != tt.want || ok != (tt.want != "") {
				t.Errorf("field %s: got %q (present %v), want %q", upload.MetaOpenID, got, ok, tt.want)
			}
			if fields[upload.MetaUploader] != "alice" {
				t.Errorf("field %s: got %q, want alice", upload.MetaUploader, fields[upload.MetaUploader])
			}
			_, conds := policyDoc(t, fields["policy"])
			var pinned []any
			for _, c := range conds {
				if a, ok := c.([]any); ok && len(a) == 3 && a[1] == "$"+upload.MetaOpenID {
					pinned = append(pinned, a[2])
				}
			}
			if tt.want == "" && len(pinned) != 0 || tt.want != "" && (len(pinned) != 1 || pinned[0] != tt.want) {
				t.Errorf("policy: openid conditions %v, want %q", pinned, tt.want)
			}
		})
	}
	if strings.Contains(f.logs.String(), testOpenID) {
		t.Errorf("the openid is logged: %s", f.logs)
	}
}

// TestSignRefusesTokenWithoutOpenID: a profile on wechat needs the claim;
// a token without it (or with it as a number) is 401 Unauthenticated,
// naming the claim, and signs nothing. The default claim is sub.
func TestSignRefusesTokenWithoutOpenID(t *testing.T) {
	f := newFixture(t, func(o *Options) { onWeChat(&o.Config, "avatar", "openid") })
	body := `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":100}]}`
	for name, authz := range map[string]string{
		"absent": token(t, "alice"),
		"number": tokenWith(t, "alice", map[string]any{"openid": 42}),
	} {
		t.Run(name, func(t *testing.T) {
			w := f.do(request{method: "POST", path: "/sign", authz: authz, body: body})
			e := errorOf(t, w)
			if w.Code != 401 || e.Error.Code != wire.CodeUnauthenticated || !strings.Contains(e.Error.Message, `"openid" claim`) {
				t.Errorf("got %d %+v, want 401 Unauthenticated naming the openid claim", w.Code, e.Error)
			}
		})
	}
	d := newFixture(t, func(o *Options) { onWeChat(&o.Config, "avatar", config.DefaultWeChatOpenIDClaim) })
	w := d.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: body})
	if w.Code != 200 || decodeUploads(t, w.Body.Bytes())[0].Fields[upload.MetaOpenID] != "alice" {
		t.Errorf("default claim sub: got %d %s, want the sub pinned", w.Code, w.Body)
	}
}

// TestMultipartPinsOpenID: a multipart upload of a profile on wechat is
// initiated with the openid metadata, which the completed object keeps.
func TestMultipartPinsOpenID(t *testing.T) {
	f := newMPFixture(t, func(c *config.Config) { onWeChat(c, "video", "openid") })
	create := func(authz string) *httptest.ResponseRecorder {
		return f.do(request{method: "POST", path: "/uploads/multipart", authz: authz,
			json: map[string]any{"profile": "video", "file": map[string]any{"name": "c.mp4", "type": "video/mp4", "size": 1000}}})
	}
	if w := create(token(t, "alice")); w.Code != 401 || errorOf(t, w).Error.Code != wire.CodeUnauthenticated {
		t.Errorf("without the claim: got %d %s, want 401", w.Code, w.Body)
	}
	w := create(tokenWith(t, "alice", map[string]any{"openid": testOpenID}))
	if w.Code != 200 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var res wire.CreateResponse
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	u := res.Upload
	putParts(t, u.Parts, randomBytes(1000))
	if w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice",
		json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 1000}}); w.Code != 200 {
		t.Fatalf("complete: %d %s", w.Code, w.Body)
	}
	h, err := f.head(t, u.Key)
	if err != nil {
		t.Fatal(err)
	}
	if h.Meta[upload.MetaOpenID] != testOpenID || h.Meta[upload.MetaUploader] != "alice" {
		t.Errorf("object meta %v: want openid %s, uploader alice", h.Meta, testOpenID)
	}
}
