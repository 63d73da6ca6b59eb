package e2e

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
	"github.com/ossgate/ossgate/local/wxemu"
)

// waitStatuses waits until alice's records of keys have the wanted
// statuses and returns their views.
func waitStatuses(t *testing.T, st *stack.Stack, want map[string]string, d time.Duration) map[string]wire.UploadView {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var page wire.UploadsPage
		views := map[string]wire.UploadView{}
		if err := testutil.Call(recClient, st.SignURL, recToken("alice"), "GET", "/uploads?limit=50", nil, &page); err == nil {
			for _, v := range page.Records {
				views[v.Key] = v
			}
		}
		done := true
		for k, s := range want {
			done = done && views[k].Status == s
		}
		if done {
			return views
		}
		if time.Now().After(deadline) {
			t.Fatalf("statuses: got %v, want %v", views, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// push posts a wxa_media_check event for trace to the sign function's
// message-push endpoint in safe mode, signed with token, and returns the
// answer's status.
func push(t *testing.T, st *stack.Stack, token, trace, suggest string) int {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"MsgType": "event", "Event": "wxa_media_check", "appid": stack.WeChatAppID,
		"trace_id": trace, "version": 2, "result": map[string]any{"suggest": suggest, "label": 100}})
	enc, err := wxemu.Encrypt(stack.WeChatAESKey, stack.WeChatAppID, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "7"
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "encrypt_type": {"aes"},
		"signature": {wxemu.Signature(token, ts, nonce)}, "msg_signature": {wxemu.Signature(token, ts, nonce, enc)}}
	body, _ := json.Marshal(map[string]string{"ToUserName": "gh", "Encrypt": enc})
	res, err := http.Post(st.SignURL+"/wechat/push?"+q.Encode(), "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// wxOpenID is alice's openid, in her tokens' wx_openid claim.
const wxOpenID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"

// wxUpload uploads data as alice, with a token carrying her openid.
func wxUpload(t *testing.T, st *stack.Stack, name string, data []byte) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "alice", "wx_openid": wxOpenID,
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}).SignedString([]byte(recSecret))
	if err != nil {
		t.Fatal(err)
	}
	tk, err := testutil.AskTicket(recClient, st.SignURL, "Bearer "+tok, "avatar", name, "image/png", len(data))
	if err == nil {
		err = testutil.PostForm(recClient, tk, "image/png", data)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tk.Key
}

// TestModerationWeChat: with avatar on WeChat (the local stand-in:
// stable token, mediaCheckAsync, the verdict pushed in safe mode to the
// sign function), a clean PNG is pending, then ok; a PNG with the marker
// ends rejected and quarantined; both reach the app's webhook; a forged
// push changes nothing and a verdict for an unknown trace_id is ignored.
// The checks name alice by her token's openid claim; a token without it
// gets no ticket.
func TestModerationWeChat(t *testing.T) {
	app := &appReceiver{}
	env := []string{modProfiles("wechat"), "OSSGATE_WEBHOOK_URL=http://" + serveLoopback(t, app) + "/hooks", "OSSGATE_WEBHOOK_SECRET=" + appSecret,
		"OSSGATE_WECHAT_OPENID_CLAIM=wx_openid"}
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: env})
	if st.WeChat == nil {
		t.Fatal("the stack started no WeChat stand-in for a profile on wechat")
	}
	if _, err := testutil.AskTicket(recClient, st.SignURL, recToken("alice"), "avatar", "a.png", "image/png", 10); err == nil ||
		!strings.Contains(err.Error(), "Unauthenticated") || !strings.Contains(err.Error(), "wx_openid") {
		t.Errorf("a token without the openid claim: %v, want 401 Unauthenticated naming wx_openid", err)
	}
	clean := wxUpload(t, st, "clean.png", recPNG(1))
	risky := wxUpload(t, st, "risky.png", riskyPNG(2))
	views := waitStatuses(t, st, map[string]string{clean: "ok", risky: "rejected"}, 20*time.Second)
	if got := st.WeChat.OpenIDs(wxemu.PathMediaCheckAsync); len(got) != 2 || got[0] != wxOpenID || got[1] != wxOpenID {
		t.Errorf("mediaCheckAsync openids: got %q, want the claim's %s twice", got, wxOpenID)
	}
	c, r := views[clean], views[risky]
	if c.DownloadURL == "" || c.Moderation == nil || c.Moderation.Provider != "wechat" || c.Moderation.TraceID == "" {
		t.Errorf("clean PNG: %+v, want ok, downloadable, WeChat's trace_id", c)
	}
	if r.DownloadURL != "" || r.QuarantineKey == "" || r.Moderation == nil || len(r.Moderation.Labels) == 0 {
		t.Errorf("marked PNG: %+v, want rejected, quarantined, no URL, labels", r)
	}
	if moved, _ := recBucket(t, st).IsObjectExist(r.QuarantineKey); !moved {
		t.Errorf("rejected upload: nothing at %s", r.QuarantineKey)
	}
	app.waitChanges(t, []string{typeRecorded + " " + clean, typeRejected + " " + risky}, 10*time.Second)

	if code := push(t, st, "forged-token", c.Moderation.TraceID, "risky"); code != http.StatusForbidden {
		t.Errorf("forged push: %d, want 403", code)
	}
	if code := push(t, st, stack.WeChatToken, "unknown-trace-0123", "risky"); code != http.StatusOK {
		t.Errorf("push for an unknown trace_id: %d, want 200 (ignored)", code)
	}
	if code := push(t, st, stack.WeChatToken, c.Moderation.TraceID, "risky"); code != http.StatusOK {
		t.Errorf("a second verdict of a settled record: %d, want 200 (ignored)", code)
	}
	views = waitStatuses(t, st, map[string]string{clean: "ok", risky: "rejected"}, time.Second)
	if views[clean].DownloadURL == "" {
		t.Error("after the forged and late pushes the clean PNG lost its URL")
	}
	for _, p := range st.WeChat.Pushes() {
		if p.Status != http.StatusOK {
			t.Errorf("the stand-in's push of %s answered %d, want 200", p.TraceID, p.Status)
		}
	}
	app.waitChanges(t, []string{typeRecorded + " " + clean, typeRejected + " " + risky}, time.Second)
}
