package wechat_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/moderation"
	"github.com/ossgate/ossgate/function/internal/moderation/wechat"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/local/wxemu"
)

// TestSignatureKnownAnswer: the message push guide's example (Token
// AAAAA, timestamp 1714036504, nonce 1514711492).
func TestSignatureKnownAnswer(t *testing.T) {
	if got, want := wechat.Signature("AAAAA", "1714036504", "1514711492"), "f464b24fc39322e44b38aa78f5edd27bd1441696"; got != want {
		t.Errorf("Signature: got %s, want %s", got, want)
	}
	if got := wxemu.Signature("AAAAA", "1714036504", "1514711492"); got != "f464b24fc39322e44b38aa78f5edd27bd1441696" {
		t.Errorf("the stand-in's Signature: got %s", got)
	}
}

const (
	appID  = "wx0123456789abcdef"
	token  = "push-token-123"
	aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
)

type memTraces struct {
	mu sync.Mutex
	m  map[string]wechat.Ref
}

func (m *memTraces) Put(_ context.Context, id string, ref wechat.Ref) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[id] = ref
	return nil
}

func (m *memTraces) Get(_ context.Context, id string) (wechat.Ref, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ref, ok := m.m[id]
	if !ok {
		return wechat.Ref{}, wechat.ErrUnknownTrace
	}
	return ref, nil
}

// pushFixture is a Push whose applied verdicts are kept.
type pushFixture struct {
	push    *wechat.Push
	applied []string // "user/id rejected|ok"
	now     time.Time
}

func newPush(aes string) *pushFixture {
	f := &pushFixture{now: time.Unix(1764900000, 0)}
	tr := &memTraces{m: map[string]wechat.Ref{"trace-1": {User: "o_alice", ID: "rec1"}}}
	f.push = &wechat.Push{Token: token, AESKey: aes, AppID: appID, Now: func() time.Time { return f.now },
		Traces: func(context.Context) (wechat.Traces, error) { return tr, nil },
		Apply: func(_ context.Context, ref wechat.Ref, res moderation.Result) error {
			v := "ok"
			if res.Rejected {
				v = "rejected"
			}
			f.applied = append(f.applied, ref.User+"/"+ref.ID+" "+v)
			return nil
		}}
	return f
}

func event(trace, suggest string) []byte {
	b, _ := json.Marshal(map[string]any{"MsgType": "event", "Event": "wxa_media_check", "appid": appID, "trace_id": trace,
		"version": 2, "result": map[string]any{"suggest": suggest, "label": 21000},
		"detail": []map[string]any{{"strategy": "content_model", "suggest": suggest, "label": 21000, "prob": 90}}})
	return b
}

// query is a push's query at ts signed with tok.
func query(tok string, ts int64) url.Values {
	s := strconv.FormatInt(ts, 10)
	return url.Values{"timestamp": {s}, "nonce": {"42"}, "signature": {wxemu.Signature(tok, s, "42")}}
}

func (f *pushFixture) do(method string, q url.Values, body []byte) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.push.ServeHTTP(w, httptest.NewRequest(method, "/wechat/push?"+q.Encode(), strings.NewReader(string(body))))
	return w
}

func TestPushHandshake(t *testing.T) {
	f := newPush("")
	q := query(token, f.now.Unix())
	q.Set("echostr", "4375120948345356249")
	if w := f.do("GET", q, nil); w.Code != 200 || w.Body.String() != "4375120948345356249" {
		t.Errorf("handshake: %d %q, want the echostr", w.Code, w.Body)
	}
	q = query("forged", f.now.Unix())
	q.Set("echostr", "x")
	if w := f.do("GET", q, nil); w.Code != 403 || w.Body.String() == "x" {
		t.Errorf("forged handshake: %d %q, want 403 without the echostr", w.Code, w.Body)
	}
}

func TestPushPlaintext(t *testing.T) {
	tests := []struct {
		name   string
		q      func(now time.Time) url.Values
		body   []byte
		status int
		want   []string
	}{
		{"risky", func(n time.Time) url.Values { return query(token, n.Unix()) }, event("trace-1", "risky"), 200, []string{"o_alice/rec1 rejected"}},
		{"pass", func(n time.Time) url.Values { return query(token, n.Unix()) }, event("trace-1", "pass"), 200, []string{"o_alice/rec1 ok"}},
		{"review left pending", func(n time.Time) url.Values { return query(token, n.Unix()) }, event("trace-1", "review"), 200, nil},
		{"unknown trace_id ignored", func(n time.Time) url.Values { return query(token, n.Unix()) }, event("trace-x", "pass"), 200, nil},
		{"forged signature", func(n time.Time) url.Values { return query("forged", n.Unix()) }, event("trace-1", "pass"), 403, nil},
		{"stale timestamp", func(n time.Time) url.Values { return query(token, n.Add(-time.Hour).Unix()) }, event("trace-1", "pass"), 403, nil},
		{"another event", func(n time.Time) url.Values { return query(token, n.Unix()) }, []byte(`{"MsgType":"event","Event":"user_enter_tempsession"}`), 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPush("")
			w := f.do("POST", tt.q(f.now), tt.body)
			if w.Code != tt.status || strings.Join(f.applied, ",") != strings.Join(tt.want, ",") {
				t.Errorf("push: %d, applied %v; want %d, %v", w.Code, f.applied, tt.status, tt.want)
			}
			if w.Code == 200 && w.Body.String() != "success" {
				t.Errorf("answer %q, want success", w.Body)
			}
		})
	}
}

func TestPushSafeMode(t *testing.T) {
	encrypt := func(key, app string, msg []byte) string {
		s, err := wxemu.Encrypt(key, app, msg, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	other := "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdefg"
	tests := []struct {
		name, enc, msgSig string // msgSig "" = the right one
		plaintext         bool
		status            int
		applied           int
	}{
		{"valid", encrypt(aesKey, appID, event("trace-1", "risky")), "", false, 200, 1},
		{"forged msg_signature", encrypt(aesKey, appID, event("trace-1", "risky")), "0000", false, 403, 0},
		{"other key", encrypt(other, appID, event("trace-1", "risky")), "", false, 403, 0},
		{"other app", encrypt(aesKey, "wxother", event("trace-1", "risky")), "", false, 403, 0},
		{"plaintext refused", "", "", true, 403, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPush(aesKey)
			q := query(token, f.now.Unix())
			body := event("trace-1", "risky")
			if !tt.plaintext {
				q.Set("encrypt_type", "aes")
				sig := tt.msgSig
				if sig == "" {
					sig = wxemu.Signature(token, q.Get("timestamp"), q.Get("nonce"), tt.enc)
				}
				q.Set("msg_signature", sig)
				body, _ = json.Marshal(map[string]string{"ToUserName": "gh", "Encrypt": tt.enc})
			}
			w := f.do("POST", q, body)
			if w.Code != tt.status || len(f.applied) != tt.applied {
				t.Errorf("push: %d, applied %v; want %d and %d applied", w.Code, f.applied, tt.status, tt.applied)
			}
		})
	}
}

// TestProviderWithStandIn: the provider gets a stable token, asks for the
// image check and keeps its trace_id; with names checked, a risky name
// rejects at once; a wrong AppSecret is an error.
func TestProviderWithStandIn(t *testing.T) {
	emu := wxemu.New(wxemu.Config{AppID: appID, Secret: "s3cret", Token: token, PushURL: "http://127.0.0.1:9/none"})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	tr := &memTraces{m: map[string]wechat.Ref{}}
	mk := func(secret string, names bool) *wechat.Provider {
		return &wechat.Provider{Client: &wechat.Client{API: srv.URL, AppID: appID, Secret: secret}, Traces: tr, CheckNames: names,
			MediaURL: func(context.Context, records.Record) (string, error) { return "http://127.0.0.1:9/img.png", nil }}
	}
	r := records.Record{ID: "rec1", Uploader: "o_alice", OriginalName: "holiday.png"}
	res, err := mk("s3cret", true).Check(t.Context(), r, config.Moderation{})
	if err != nil || res.Decided || res.TraceID == "" {
		t.Fatalf("Check: %+v, %v; want undecided with a trace_id", res, err)
	}
	if ref, err := tr.Get(t.Context(), res.TraceID); err != nil || ref != (wechat.Ref{User: "o_alice", ID: "rec1"}) {
		t.Errorf("trace %s: %+v, %v; want the record", res.TraceID, ref, err)
	}
	r.OriginalName = "OSSGATE-TEST-RISKY.png"
	res, err = mk("s3cret", true).Check(t.Context(), r, config.Moderation{})
	if err != nil || !res.Decided || !res.Rejected {
		t.Errorf("Check of a risky name: %+v, %v; want rejected at once", res, err)
	}
	if _, err := mk("wrong", false).Check(t.Context(), r, config.Moderation{}); err == nil || !strings.Contains(err.Error(), "40125") {
		t.Errorf("Check with a wrong AppSecret: %v, want errcode 40125", err)
	}
	if got, want := emu.OpenIDs(wxemu.PathMsgSecCheck), []string{"o_alice", "o_alice"}; !slices.Equal(got, want) {
		t.Errorf("msgSecCheck openids: got %q, want the uploader's %q", got, want)
	}
	if n := emu.Calls("/cgi-bin/stable_token"); n != 3 {
		t.Errorf("stable_token called %d times, want 3 (one per client; the token is kept)", n)
	}
	emu.Wait()
}

// TestProviderSendsTheOpenID: the checks name the user by the record's
// openid, not its uploader (the token's sub); a record without one (signed
// before openids were pinned) by its uploader.
func TestProviderSendsTheOpenID(t *testing.T) {
	emu := wxemu.New(wxemu.Config{AppID: appID, Secret: "s3cret", Token: token, PushURL: "http://127.0.0.1:9/none"})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	p := &wechat.Provider{Client: &wechat.Client{API: srv.URL, AppID: appID, Secret: "s3cret"}, Traces: &memTraces{m: map[string]wechat.Ref{}},
		CheckNames: true, MediaURL: func(context.Context, records.Record) (string, error) { return "http://127.0.0.1:9/img.png", nil }}
	for _, r := range []records.Record{
		{ID: "rec1", Uploader: "alice", OpenID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", OriginalName: "a.png"},
		{ID: "rec2", Uploader: "bob", OriginalName: "b.png"},
	} {
		if _, err := p.Check(t.Context(), r, config.Moderation{}); err != nil {
			t.Fatalf("Check %s: %v", r.ID, err)
		}
	}
	want := []string{"o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "bob"}
	for _, path := range []string{wxemu.PathMsgSecCheck, wxemu.PathMediaCheckAsync} {
		if got := emu.OpenIDs(path); !slices.Equal(got, want) {
			t.Errorf("%s openids: got %q, want %q", path, got, want)
		}
	}
	emu.Wait()
}
