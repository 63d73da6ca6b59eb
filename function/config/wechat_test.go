package config

import (
	"strings"
	"testing"
)

func TestWeChatOpenIDClaim(t *testing.T) {
	tests := []struct {
		name, claim, want, problem string
	}{
		{"default", "", "sub", ""},
		{"blank is the default", "  ", "sub", ""},
		{"custom", "openid", "openid", ""},
		{"namespaced", "https://example.com/wx_openid", "https://example.com/wx_openid", ""},
		{"registered, not an id", "exp", "", VarWeChatOpenIDClaim},
		{"audience", "aud", "", VarWeChatOpenIDClaim},
		{"space", "open id", "", VarWeChatOpenIDClaim},
		{"quote", `open"id`, "", VarWeChatOpenIDClaim},
		{"non-ASCII", "openid中", "", VarWeChatOpenIDClaim},
		{"too long", strings.Repeat("o", maxClaimNameLen+1), "", VarWeChatOpenIDClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Sign, env(map[string]string{VarModeration: ModerationWeChat,
				VarWeChatAppID: "wx0123456789abcdef", VarWeChatToken: "token", VarWeChatOpenIDClaim: tt.claim}))
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("Load: got %v, want an error naming %s", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.WeChat.OpenIDClaim != tt.want {
				t.Errorf("OpenIDClaim: got %q, want %q", c.WeChat.OpenIDClaim, tt.want)
			}
		})
	}
	// Without a profile on wechat the variable is not read.
	c, err := Load(Sign, env(map[string]string{VarWeChatOpenIDClaim: "exp"}))
	if err != nil || c.WeChat.OpenIDClaim != "" {
		t.Errorf("no profile on wechat: got %q, %v; want it unread", c.WeChat.OpenIDClaim, err)
	}
}
