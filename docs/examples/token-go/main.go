// Command token-go is the backend half of a mini-program's sign-in: POST
// /login {"code": "<from wx.login>"} exchanges the code for the user's
// openid (WeChat's code2session) and answers {"token": "<JWT>"}, a token
// the ossgate sign function accepts (HS256 with OSSGATE_JWT_SECRET; sub,
// iat, exp).
package main

import (
	"cmp"
	"encoding/json"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func main() {
	secret := []byte(os.Getenv("OSSGATE_JWT_SECRET")) // the sign function's secret, at least 32 bytes
	wxAPI := cmp.Or(os.Getenv("WX_API"), "https://api.weixin.qq.com")
	http.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Code string `json:"code"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Code == "" {
			http.Error(w, `{"error":"want {\"code\": …}"}`, http.StatusBadRequest)
			return
		}
		q := url.Values{"appid": {os.Getenv("WX_APPID")}, "secret": {os.Getenv("WX_SECRET")},
			"js_code": {in.Code}, "grant_type": {"authorization_code"}}
		resp, err := http.Get(wxAPI + "/sns/jscode2session?" + q.Encode())
		if err != nil {
			http.Error(w, `{"error":"code2session unreachable"}`, http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var s struct {
			OpenID  string `json:"openid"`
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || s.ErrCode != 0 || s.OpenID == "" {
			log.Printf("code2session: errcode %d %s (%v)", s.ErrCode, s.ErrMsg, err)
			http.Error(w, `{"error":"login failed"}`, http.StatusUnauthorized)
			return
		}
		now := time.Now()
		token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
			Subject:   s.OpenID, // or your own user id for this openid
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(2 * time.Hour)), // at most OSSGATE_JWT_MAX_TTL (24h)
		}).SignedString(secret)
		if err != nil {
			http.Error(w, `{"error":"token"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"token": token})
	})
	ln, err := net.Listen("tcp", cmp.Or(os.Getenv("ADDR"), "127.0.0.1:8000"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
