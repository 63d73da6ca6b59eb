package config

// Webhook variables: the app's receiver of record changes, the app's
// moderation endpoint (provider webhook), and the secret both are signed
// with (from the environment at deploy, never in s.yaml).
const (
	VarWebhookURL           = "OSSGATE_WEBHOOK_URL"
	VarWebhookSecret        = "OSSGATE_WEBHOOK_SECRET"
	VarModerationWebhookURL = "OSSGATE_MODERATION_WEBHOOK_URL"
)

// MinWebhookSecretLen is the shortest webhook secret accepted, in bytes.
const MinWebhookSecretLen = 16

// Webhook configures the app's webhooks; a zero URL sends none.
type Webhook struct {
	URL           string // where every record change is POSTed
	Secret        []byte // the HMAC-SHA256 key of Ossgate-Signature
	ModerationURL string // the provider webhook's endpoint
}

// webhook reads the webhook variables: a URL needs the secret, and a
// profile on the webhook provider needs its URL.
func (l *loader) webhook(c *Config) {
	w := Webhook{Secret: []byte(l.getenv(VarWebhookSecret))}
	if v := l.get(VarWebhookURL, ""); v != "" {
		w.URL = l.absURL(VarWebhookURL, v)
	}
	if v := l.get(VarModerationWebhookURL, ""); v != "" {
		w.ModerationURL = l.absURL(VarModerationWebhookURL, v)
	}
	if (w.URL != "" || w.ModerationURL != "") && len(w.Secret) < MinWebhookSecretLen {
		l.fail("%s: at least %d bytes are required with %s or %s", VarWebhookSecret, MinWebhookSecretLen, VarWebhookURL, VarModerationWebhookURL)
	}
	if c.Moderates(ModerationWebhook) && w.ModerationURL == "" {
		l.fail("%s: required by the profiles whose moderation provider is webhook", VarModerationWebhookURL)
	}
	c.Webhook = w
}
