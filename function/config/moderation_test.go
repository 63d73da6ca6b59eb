package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestModeration(t *testing.T) {
	profiles := `{
	  "plain":  {"types": ["image/png"], "maxSize": 100},
	  "named":  {"types": ["image/png"], "maxSize": 100, "moderation": {"provider": "aliyun", "service": "profilePhotoCheck",
	             "rejectLevel": "medium", "timeout": "10m", "onTimeout": "pending"}},
	  "inherit": {"types": ["image/png"], "maxSize": 100, "moderation": {"timeout": "5m", "onTimeout": "accept"}}
	}`
	def := Moderation{Service: DefaultAliyunService, RejectLevel: DefaultRejectLevel, Timeout: DefaultModerationTimeout, OnTimeout: OnTimeoutReject}
	with := func(m Moderation, provider string) Moderation { m.Provider = provider; return m }
	named := Moderation{Provider: ModerationAliyun, Service: "profilePhotoCheck", RejectLevel: "medium", Timeout: 10 * time.Minute, OnTimeout: OnTimeoutPending}
	inherit := def
	inherit.Timeout, inherit.OnTimeout = 5*time.Minute, OnTimeoutAccept
	tests := []struct {
		name, deflt string
		want        map[string]Moderation
	}{
		{"default off", "", map[string]Moderation{"plain": {}, "named": named, "inherit": inherit}},
		{"off", "off", map[string]Moderation{"plain": {}, "named": named, "inherit": inherit}},
		{"wechat by default", "wechat", map[string]Moderation{"plain": with(def, ModerationWeChat), "named": named,
			"inherit": with(inherit, ModerationWeChat)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Record, env(map[string]string{VarProfiles: profiles, VarModeration: tt.deflt,
				VarWeChatAppID: "wx0123456789abcdef", VarWeChatAppSecret: "secret"}))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Moderation{}
			for n, p := range c.Profiles {
				got[n] = p.Moderation
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("moderation (-want +got):\n%s", d)
			}
			if on := c.Profiles["plain"].Moderation.On(); on != (tt.deflt == "wechat") {
				t.Errorf("plain: On() = %v", on)
			}
		})
	}
}

func TestModerationErrors(t *testing.T) {
	tests := []struct{ name, moderation, deflt, want string }{
		{"provider", `{"provider": "openai"}`, "", "moderation.provider"},
		{"level", `{"provider": "aliyun", "rejectLevel": "none"}`, "", "moderation.rejectLevel"},
		{"service", `{"provider": "aliyun", "service": "a b"}`, "", "moderation.service"},
		{"timeout", `{"provider": "aliyun", "timeout": "forever"}`, "", "moderation.timeout"},
		{"timeout too long", `{"provider": "aliyun", "timeout": "9000h"}`, "", "moderation.timeout"},
		{"onTimeout", `{"provider": "aliyun", "onTimeout": "ignore"}`, "", "moderation.onTimeout"},
		{"unknown field", `{"provider": "aliyun", "secret": "x"}`, "", "unknown field"},
		{"default", `{}`, "green", VarModeration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := `{"a": {"types": ["image/png"], "maxSize": 100, "moderation": ` + tt.moderation + `}}`
			_, err := Load(Record, env(map[string]string{VarProfiles: p, VarModeration: tt.deflt}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestWebhookConfig(t *testing.T) {
	hook := `{"a": {"types": ["image/png"], "maxSize": 100, "moderation": {"provider": "webhook"}}}`
	tests := []struct {
		name string
		env  map[string]string
		want string // a part of the error, "" for none
	}{
		{"none", nil, ""},
		{"url and secret", map[string]string{VarWebhookURL: "https://app.example.com/hooks", VarWebhookSecret: "0123456789abcdef"}, ""},
		{"url without secret", map[string]string{VarWebhookURL: "https://app.example.com/hooks"}, VarWebhookSecret},
		{"short secret", map[string]string{VarWebhookURL: "https://app.example.com/hooks", VarWebhookSecret: "short"}, VarWebhookSecret},
		{"relative url", map[string]string{VarWebhookURL: "/hooks", VarWebhookSecret: "0123456789abcdef"}, VarWebhookURL},
		{"webhook provider without its url", map[string]string{VarProfiles: hook, VarWebhookSecret: "0123456789abcdef"}, VarModerationWebhookURL},
		{"webhook provider", map[string]string{VarProfiles: hook, VarWebhookSecret: "0123456789abcdef",
			VarModerationWebhookURL: "http://127.0.0.1:9/moderate"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Record, env(tt.env))
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Load: got %v, want an error naming %q", err, tt.want)
			}
			if err == nil && c.Webhook.URL != tt.env[VarWebhookURL] {
				t.Errorf("Webhook.URL = %q", c.Webhook.URL)
			}
		})
	}
}
