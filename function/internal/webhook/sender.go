package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Sender POSTs signed JSON to one URL. The zero value is not usable; make
// one with NewSender.
type Sender struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// NewSender returns a Sender to url signing with secret; nil client is a
// client with a 10 s timeout, nil now time.Now.
func NewSender(url string, secret []byte, client *http.Client, now func() time.Time) (*Sender, error) {
	if url == "" || len(secret) == 0 {
		return nil, errors.New("webhook: a URL and a secret are required")
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Sender{url: url, secret: secret, client: client, now: now}, nil
}

// Post sends v as JSON, signed, and decodes a JSON answer into out (when
// not nil). Any answer but 2xx is an error.
func (s *Sender) Post(ctx context.Context, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ossgate-webhook")
	req.Header.Set(Header, Sign(s.secret, s.now(), body))
	res, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post: %w", err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("webhook: post: answer: %w", err)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: post: answered %s", res.Status)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("webhook: post: answer %q: %w", answer, err)
		}
	}
	return nil
}

// Deliver sends ev.
func (s *Sender) Deliver(ctx context.Context, ev Event) error {
	if err := s.Post(ctx, ev, nil); err != nil {
		return fmt.Errorf("%w (event %s %s)", err, ev.Type, ev.ID)
	}
	return nil
}
