package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Client calls WeChat's server APIs with the mini-program's access token,
// which it gets from the stable-token API and keeps until shortly before
// it expires ("getStableAccessToken", POST /cgi-bin/stable_token with
// grant_type client_credential, appid and secret; developers.weixin.qq.com/
// miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html).
type Client struct {
	API    string // scheme://host, https://api.weixin.qq.com in production
	AppID  string
	Secret string // the AppSecret, from the environment
	HTTP   *http.Client
	Now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// apiError is a WeChat answer with errcode other than 0.
type apiError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e apiError) Error() string { return fmt.Sprintf("wechat: errcode %d: %s", e.Code, e.Msg) }

// call POSTs in as JSON to path (with the access token when token) and
// decodes the answer into out, an error for errcode other than 0.
func (c *Client) call(ctx context.Context, path string, token bool, in, out any) error {
	u := c.API + path
	if token {
		t, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		u += "?access_token=" + url.QueryEscape(t)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("wechat: %s: %w", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil || res.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat: %s: %s %v", path, res.Status, err)
	}
	var e apiError
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("wechat: %s: answer %q: %w", path, b, err)
	}
	if e.Code != 0 {
		if e.Code == 40001 || e.Code == 42001 { // invalid or expired token: the next call gets a new one
			c.mu.Lock()
			c.token = ""
			c.mu.Unlock()
		}
		return fmt.Errorf("%s: %w", path, e)
	}
	return json.Unmarshal(b, out)
}

// accessToken returns a token valid for at least five more minutes.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && now().Before(c.expires.Add(-5*time.Minute)) {
		return c.token, nil
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	in := map[string]any{"grant_type": "client_credential", "appid": c.AppID, "secret": c.Secret, "force_refresh": false}
	if err := c.call(ctx, "/cgi-bin/stable_token", false, in, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("wechat: stable_token gave no access_token")
	}
	c.token, c.expires = out.AccessToken, now().Add(time.Duration(out.ExpiresIn)*time.Second)
	return c.token, nil
}

// MediaCheckAsync asks for the check of the image at mediaURL
// (security.mediaCheckAsync v2: POST /wxa/media_check_async with
// media_url, media_type 2 for an image, version 2, scene, openid;
// developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/
// api_mediacheckasync.html) and returns its trace_id; the verdict comes
// to the message-push URL as the event wxa_media_check.
func (c *Client) MediaCheckAsync(ctx context.Context, mediaURL, openid string, scene int) (string, error) {
	var out struct {
		TraceID string `json:"trace_id"`
	}
	in := map[string]any{"media_url": mediaURL, "media_type": 2, "version": 2, "scene": scene, "openid": openid}
	if err := c.call(ctx, "/wxa/media_check_async", true, in, &out); err != nil {
		return "", err
	}
	return out.TraceID, nil
}

// TextResult is msgSecCheck's verdict.
type TextResult struct {
	TraceID string `json:"trace_id"`
	Result  struct {
		Suggest string `json:"suggest"` // risky, pass or review
		Label   int    `json:"label"`
	} `json:"result"`
}

// MsgSecCheck checks text synchronously (msgSecCheck v2: POST
// /wxa/msg_sec_check with content, version 2, scene, openid;
// developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/
// api_msgseccheck.html).
func (c *Client) MsgSecCheck(ctx context.Context, content, openid string, scene int) (TextResult, error) {
	var out TextResult
	in := map[string]any{"content": content, "version": 2, "scene": scene, "openid": openid}
	err := c.call(ctx, "/wxa/msg_sec_check", true, in, &out)
	return out, err
}
