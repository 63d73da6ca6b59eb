package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/webhook"
)

// notifier tells the app of record changes (OSSGATE_WEBHOOK_URL); nil
// sender means none are sent.
type notifier struct {
	sender *webhook.Sender
	oss    ossclient.Opener
	prefix string
	log    *slog.Logger
}

func newNotifier(cfg config.Config, oss ossclient.Opener, logger *slog.Logger) (*notifier, error) {
	n := &notifier{oss: oss, prefix: webhook.OutboxPrefix(cfg.Prefixes), log: logger}
	if cfg.Webhook.URL == "" {
		return n, nil
	}
	s, err := webhook.NewSender(cfg.Webhook.URL, cfg.Webhook.Secret, nil, nil)
	if err != nil {
		return nil, err
	}
	n.sender = s
	return n, nil
}

// outcome sends the event of the outcome of r (webhook.OfOutcome); an
// error is the delivery's (the record function's event is then delivered
// again by FC, and after that kept by the maintenance function).
func (n *notifier) outcome(ctx context.Context, r records.Record) error {
	ev, ok := webhook.OfOutcome(r)
	if n.sender == nil || !ok {
		return nil
	}
	return n.sender.Deliver(ctx, ev)
}

// outcomeOrKeep sends the event of the outcome of r, or keeps it: the
// maintenance function's delivery, which no platform retry follows when
// it settled an overdue verdict.
func (n *notifier) outcomeOrKeep(ctx context.Context, r records.Record) error {
	ev, ok := webhook.OfOutcome(r)
	if !ok {
		return nil
	}
	return n.deliverOrKeep(ctx, ev)
}

// change sends the event of r's current status, or keeps it: the sign
// function's delete.
func (n *notifier) change(ctx context.Context, r records.Record) error {
	ev, ok := webhook.Of(r)
	if !ok {
		return nil
	}
	return n.deliverOrKeep(ctx, ev)
}

// deliverOrKeep sends ev, or keeps it in the outbox for the maintenance
// function's next pass.
func (n *notifier) deliverOrKeep(ctx context.Context, ev webhook.Event) error {
	if n.sender == nil {
		return nil
	}
	err := n.sender.Deliver(ctx, ev)
	if err == nil {
		return nil
	}
	objs, berr := n.oss.Objects(ctx)
	if berr == nil {
		berr = webhook.Outbox{Objects: objs, Prefix: n.prefix}.Keep(ctx, ev)
	}
	if berr != nil {
		return fmt.Errorf("%w; and keeping it failed: %w", err, berr)
	}
	n.log.Warn("webhook: delivery failed, kept for the next maintenance pass", "event", ev.ID, "type", ev.Type, "error", err.Error())
	return nil
}

// retryKept delivers the kept events.
func (n *notifier) retryKept(ctx context.Context) error {
	if n.sender == nil {
		return nil
	}
	objs, err := n.oss.Objects(ctx)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	st, err := webhook.Outbox{Objects: objs, Prefix: n.prefix}.Retry(ctx, n.sender.Deliver)
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
	}
	n.log.Log(ctx, level, "webhook: kept events retried", "listed", st.Listed, "delivered", st.Delivered, "kept", st.Kept)
	return err
}

// hook returns f, or nil when no webhook is configured (so that the
// handlers skip the work).
func (n *notifier) hook(f func(context.Context, records.Record) error) func(context.Context, records.Record) error {
	if n.sender == nil {
		return nil
	}
	return f
}
