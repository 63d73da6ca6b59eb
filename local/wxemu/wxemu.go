// Package wxemu is a local stand-in for the WeChat server APIs ossgate's
// wechat moderation provider calls, and for WeChat's message push of their
// verdicts, decided by one test rule.
//
// What it does, and where each behaviour is documented
// (developers.weixin.qq.com):
//   - POST /cgi-bin/stable_token {grant_type client_credential, appid,
//     secret, force_refresh}: {access_token, expires_in 7200}; a wrong
//     appid is errcode 40013, a wrong secret 40125
//     (miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html).
//   - Every other call takes ?access_token=; an unknown one is errcode
//     40001 (invalid credential).
//   - POST /wxa/media_check_async {media_url, media_type (1 audio, 2
//     image), version 2, scene (1-4), openid}: {errcode 0, errmsg "ok",
//     trace_id}; a missing or bad field is errcode 47001 (data format
//     error). The verdict is pushed later to the message-push URL as the
//     event wxa_media_check {ToUserName, FromUserName, CreateTime, MsgType
//     "event", Event "wxa_media_check", appid, trace_id, version 2,
//     result{suggest, label}, detail[{strategy, errcode, suggest, label,
//     prob}]} (miniprogram/dev/server/API/sec-center/sec-check/
//     api_mediacheckasync.html).
//   - POST /wxa/msg_sec_check {content, version 2, scene, openid}:
//     {errcode 0, errmsg, trace_id, result{suggest, label}, detail[...]},
//     synchronous (.../sec-check/api_msgseccheck.html).
//   - The push (message push guide, doc/oplatform/.../message_push.html):
//     POST ?signature&timestamp&nonce (signature = SHA-1 of the sorted
//     token, timestamp, nonce), JSON; in safe mode (an EncodingAESKey set)
//     also encrypt_type=aes and msg_signature (SHA-1 of the sorted token,
//     timestamp, nonce and Encrypt), the body {ToUserName, Encrypt} with
//     the event AES-256-CBC encrypted. A push not answered 200 is tried
//     again, three times in all.
//
// The test rule: media whose bytes contain the ASCII marker Marker
// anywhere, or text containing it, is "risky" (label 21000, other);
// everything else "pass" (label 100).
package wxemu

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Marker is the test rule's marker.
const Marker = "OSSGATE-TEST-RISKY"

// Labels of the verdicts.
const (
	LabelPass  = 100
	LabelRisky = 21000
)

// The paths of the checks.
const (
	PathMediaCheckAsync = "/wxa/media_check_async"
	PathMsgSecCheck     = "/wxa/msg_sec_check"
)

// Config configures a Server. AppID, Secret and Token are required.
type Config struct {
	AppID, Secret string
	Token         string // the message-push Token
	AESKey        string // the EncodingAESKey; "" pushes in plaintext
	// PushURL is where verdicts are pushed.
	PushURL string
	// Delay is how long after a mediaCheckAsync its verdict is pushed.
	Delay  time.Duration
	HTTP   *http.Client     // fetches media and pushes; default 10 s timeout
	Logger *slog.Logger     // default discards
	Now    func() time.Time // default time.Now
}

// Push is one verdict pushed.
type Push struct {
	TraceID   string
	Suggest   string
	Requested time.Time // when mediaCheckAsync was called
	Answered  time.Time // when the push was answered 200 ("" if never)
	Status    int       // the last answer's status
}

// Server is the stand-in; it is an http.Handler.
type Server struct {
	cfg Config

	mu     sync.Mutex
	token  string
	pushes []Push
	wg     sync.WaitGroup
	calls  map[string]int
	openid map[string][]string // by API path, in call order
}

// New returns a Server of cfg.
func New(cfg Config) *Server {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Server{cfg: cfg, calls: map[string]int{}, openid: map[string][]string{}}
}

// Pushes returns the verdicts pushed so far.
func (s *Server) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}

// Calls returns the number of calls of an API path.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// OpenIDs returns the openid of every valid call of an API path
// (mediaCheckAsync or msgSecCheck), in call order.
func (s *Server) OpenIDs(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.openid[path]...)
}

// sawOpenID notes the openid of a valid call of path.
func (s *Server) sawOpenID(path, openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.openid[path] = append(s.openid[path], openid)
}

// Wait waits for the pushes under way.
func (s *Server) Wait() { s.wg.Wait() }

type errAnswer struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP answers the APIs, always with 200 and an errcode, as WeChat
// does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls[r.URL.Path]++
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeJSON(w, errAnswer{43002, "require POST method"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeJSON(w, errAnswer{47001, "data format error"})
		return
	}
	if r.URL.Path == "/cgi-bin/stable_token" {
		s.stableToken(w, body)
		return
	}
	s.mu.Lock()
	valid := s.token != "" && r.URL.Query().Get("access_token") == s.token
	s.mu.Unlock()
	if !valid {
		writeJSON(w, errAnswer{40001, "invalid credential, access_token is invalid or not latest"})
		return
	}
	switch r.URL.Path {
	case PathMediaCheckAsync:
		s.mediaCheckAsync(w, body)
	case PathMsgSecCheck:
		s.msgSecCheck(w, body)
	default:
		writeJSON(w, errAnswer{48001, "api unauthorized"})
	}
}

func (s *Server) stableToken(w http.ResponseWriter, body []byte) {
	var in struct {
		GrantType string `json:"grant_type"`
		AppID     string `json:"appid"`
		Secret    string `json:"secret"`
		Force     bool   `json:"force_refresh"`
	}
	switch {
	case json.Unmarshal(body, &in) != nil || in.GrantType != "client_credential":
		writeJSON(w, errAnswer{40002, "invalid grant_type"})
	case in.AppID != s.cfg.AppID:
		writeJSON(w, errAnswer{40013, "invalid appid"})
	case in.Secret != s.cfg.Secret:
		writeJSON(w, errAnswer{40125, "invalid appsecret"})
	default:
		s.mu.Lock()
		if s.token == "" || in.Force {
			s.token = randomHex(32)
		}
		tok := s.token
		s.mu.Unlock()
		writeJSON(w, map[string]any{"access_token": tok, "expires_in": 7200})
	}
}

func (s *Server) mediaCheckAsync(w http.ResponseWriter, body []byte) {
	var in struct {
		MediaURL  string `json:"media_url"`
		MediaType int    `json:"media_type"`
		Version   int    `json:"version"`
		Scene     int    `json:"scene"`
		OpenID    string `json:"openid"`
	}
	if json.Unmarshal(body, &in) != nil || in.MediaURL == "" || (in.MediaType != 1 && in.MediaType != 2) ||
		in.Version != 2 || in.Scene < 1 || in.Scene > 4 || in.OpenID == "" {
		writeJSON(w, errAnswer{47001, "data format error"})
		return
	}
	s.sawOpenID(PathMediaCheckAsync, in.OpenID)
	trace := randomHex(16)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "trace_id": trace})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.check(trace, in.MediaURL, s.cfg.Now())
	}()
}

// check fetches the media, decides and pushes the verdict.
func (s *Server) check(trace, mediaURL string, requested time.Time) {
	time.Sleep(s.cfg.Delay)
	suggest, label := "pass", LabelPass
	media, err := s.fetch(mediaURL)
	if err != nil {
		s.cfg.Logger.Warn("wxemu: media not fetched", "traceId", trace, "error", err.Error())
		suggest, label = "review", LabelPass
	} else if bytes.Contains(media, []byte(Marker)) {
		suggest, label = "risky", LabelRisky
	}
	ev := map[string]any{
		"ToUserName": "gh_ossgate_local", "FromUserName": "o_system", "CreateTime": s.cfg.Now().Unix(),
		"MsgType": "event", "Event": "wxa_media_check", "appid": s.cfg.AppID, "trace_id": trace, "version": 2,
		"result": map[string]any{"suggest": suggest, "label": label},
		"detail": []map[string]any{{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}},
	}
	p := Push{TraceID: trace, Suggest: suggest, Requested: requested}
	for attempt := 0; attempt < 3; attempt++ {
		p.Status = s.push(ev)
		if p.Status == http.StatusOK {
			p.Answered = s.cfg.Now()
			break
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	s.mu.Lock()
	s.pushes = append(s.pushes, p)
	s.mu.Unlock()
}

func (s *Server) fetch(u string) ([]byte, error) {
	res, err := s.cfg.HTTP.Get(u)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET media: %s", res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, 10<<20))
}

// push POSTs ev to the push URL as WeChat signs it and returns the
// answer's status (0 when it did not arrive).
func (s *Server) push(ev any) int {
	msg, _ := json.Marshal(ev)
	ts, nonce := strconv.FormatInt(s.cfg.Now().Unix(), 10), strconv.Itoa(int(randomUint32()))
	q := url.Values{"signature": {Signature(s.cfg.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	body := msg
	if s.cfg.AESKey != "" {
		enc, err := Encrypt(s.cfg.AESKey, s.cfg.AppID, msg, rand.Reader)
		if err != nil {
			return 0
		}
		body, _ = json.Marshal(map[string]string{"ToUserName": "gh_ossgate_local", "Encrypt": enc})
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Signature(s.cfg.Token, ts, nonce, enc))
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.cfg.PushURL+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func (s *Server) msgSecCheck(w http.ResponseWriter, body []byte) {
	var in struct {
		Content string `json:"content"`
		Version int    `json:"version"`
		Scene   int    `json:"scene"`
		OpenID  string `json:"openid"`
	}
	if json.Unmarshal(body, &in) != nil || in.Version != 2 || in.Scene < 1 || in.Scene > 4 || in.OpenID == "" || len([]rune(in.Content)) > 2500 {
		writeJSON(w, errAnswer{47001, "data format error"})
		return
	}
	s.sawOpenID(PathMsgSecCheck, in.OpenID)
	suggest, label := "pass", LabelPass
	if bytes.Contains([]byte(in.Content), []byte(Marker)) {
		suggest, label = "risky", LabelRisky
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "trace_id": randomHex(16),
		"result": map[string]any{"suggest": suggest, "label": label},
		"detail": []map[string]any{{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}}})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUint32() uint32 {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
