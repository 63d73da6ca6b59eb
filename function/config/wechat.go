package config

import (
	"strconv"

	"github.com/ossgate/ossgate/signer"
)

// WeChat variables, read when a profile moderates with wechat. The
// AppSecret, the message-push Token and the EncodingAESKey come from the
// environment at deploy, never from s.yaml.
const (
	VarWeChatAppID       = "OSSGATE_WECHAT_APPID"
	VarWeChatAppSecret   = "OSSGATE_WECHAT_APPSECRET"
	VarWeChatToken       = "OSSGATE_WECHAT_TOKEN"
	VarWeChatAESKey      = "OSSGATE_WECHAT_AES_KEY"
	VarWeChatAPI         = "OSSGATE_WECHAT_API"
	VarWeChatCheckNames  = "OSSGATE_WECHAT_CHECK_NAMES"
	VarWeChatOpenIDClaim = "OSSGATE_WECHAT_OPENID_CLAIM"
)

// DefaultWeChatOpenIDClaim is the token claim that holds the caller's
// openid by default: the user id itself.
const DefaultWeChatOpenIDClaim = "sub"

// maxClaimNameLen bounds OSSGATE_WECHAT_OPENID_CLAIM.
const maxClaimNameLen = 128

// DefaultWeChatAPI is WeChat's server API.
const DefaultWeChatAPI = "https://api.weixin.qq.com"

// WeChat configures the wechat moderation provider.
type WeChat struct {
	AppID, AppSecret string // record and sweep functions: the API calls
	API              string // scheme://host of the server API
	CheckNames       bool   // file names through msgSecCheck
	Token, AESKey    string // sign function: the message push (AESKey "" takes plaintext pushes)
	// OpenIDClaim (sign function) names the claim of the caller's token
	// that holds its openid, pinned on the uploads of profiles on wechat
	// (the checks name the user by it).
	OpenIDClaim string
}

// wechat reads the WeChat variables of fn when a profile uses wechat: the
// sign function takes the pushes (and quarantines rejected uploads, so it
// reads the quarantine mode); the record and sweep functions make the
// calls, with a presigned URL WeChat fetches the image from (so they read
// the public endpoint).
func (l *loader) wechat(fn Function, c *Config) {
	if !c.Moderates(ModerationWeChat) {
		return
	}
	w := WeChat{AppID: l.get(VarWeChatAppID, "")}
	if w.AppID == "" {
		l.fail("%s: required by the profiles whose moderation provider is wechat", VarWeChatAppID)
	}
	if fn == Sign {
		w.Token, w.AESKey = l.getenv(VarWeChatToken), l.getenv(VarWeChatAESKey)
		if w.Token == "" {
			l.fail("%s: the message-push Token is required by the profiles on wechat", VarWeChatToken)
		}
		if w.AESKey != "" && len(w.AESKey) != 43 {
			l.fail("%s: the EncodingAESKey has 43 characters, got %d", VarWeChatAESKey, len(w.AESKey))
		}
		w.OpenIDClaim = l.get(VarWeChatOpenIDClaim, DefaultWeChatOpenIDClaim)
		if !validClaimName(w.OpenIDClaim) {
			l.fail("%s: want the name of a string claim other than iss, aud, exp, nbf, iat and jti: 1 to %d printable ASCII characters without space, quote or backslash, got %.40q",
				VarWeChatOpenIDClaim, maxClaimNameLen, w.OpenIDClaim)
		}
		c.QuarantineMode = QuarantineMode(l.get(VarQuarantineMode, string(QuarantineMove)))
		if c.QuarantineMode != QuarantineMove && c.QuarantineMode != QuarantineTag {
			l.fail("%s: want move or tag, got %q", VarQuarantineMode, c.QuarantineMode)
		}
	} else {
		w.AppSecret = l.getenv(VarWeChatAppSecret)
		if w.AppSecret == "" {
			l.fail("%s: required by the profiles whose moderation provider is wechat", VarWeChatAppSecret)
		}
		w.API = l.endpoint(VarWeChatAPI, DefaultWeChatAPI)
		names, err := strconv.ParseBool(l.get(VarWeChatCheckNames, "false"))
		if err != nil {
			l.fail("%s: want true or false", VarWeChatCheckNames)
		}
		w.CheckNames = names
		o := &c.OSS
		o.Endpoint = l.endpoint(VarEndpoint, "https://oss-"+o.Region+".aliyuncs.com")
		if o.Endpoint != "" && signer.ValidBucket(o.Bucket) {
			o.UploadURL = signer.BucketURL(o.Endpoint, o.Bucket)
		}
	}
	c.WeChat = w
}

// validClaimName reports whether name may name the openid claim: not a
// registered claim that holds no user's id, and printable ASCII without
// space, quote or backslash (a namespaced claim such as
// https://example.com/openid is fine).
func validClaimName(name string) bool {
	switch name {
	case "", "iss", "aud", "exp", "nbf", "iat", "jti":
		return false
	}
	if len(name) > maxClaimNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
