package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// OutboxDir is the folder, under the records prefix, of the events whose
// delivery failed where no platform retry follows (a DELETE /uploads/{id},
// a verdict the maintenance function settled): the maintenance function
// delivers them on its next pass.
const OutboxDir = "_webhooks"

// OutboxPrefix is the key prefix of the kept events.
func OutboxPrefix(p config.Prefixes) string { return p.Records + "/" + OutboxDir + "/" }

// Outbox keeps events in a bucket, one object per event ID (keeping one
// twice keeps it once).
type Outbox struct {
	Objects ossclient.Objects
	Prefix  string // OutboxPrefix
}

// Keep stores ev.
func (o Outbox) Keep(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("webhook: keep %s: %w", ev.ID, err)
	}
	if err := o.Objects.Put(ctx, o.Prefix+ev.ID+".json", "application/json", body); err != nil {
		return fmt.Errorf("webhook: keep %s: %w", ev.ID, err)
	}
	return nil
}

// RetryStats is what one Retry did.
type RetryStats struct{ Listed, Delivered, Kept int }

// Retry delivers every kept event with deliver, deleting the delivered
// ones (at most 1,000 a pass; the next pass continues).
func (o Outbox) Retry(ctx context.Context, deliver func(context.Context, Event) error) (RetryStats, error) {
	var st RetryStats
	var page []ossclient.Listed
	err := o.Objects.List(ctx, o.Prefix, "", func(p []ossclient.Listed) bool {
		page = p
		return false // one page a pass
	})
	if err != nil {
		return st, fmt.Errorf("webhook: outbox: %w", err)
	}
	var errs []error
	for _, obj := range page {
		if !strings.HasSuffix(obj.Key, ".json") {
			continue
		}
		st.Listed++
		ev, err := o.read(ctx, obj.Key)
		if err == nil {
			err = deliver(ctx, ev)
		}
		if err == nil {
			err = o.Objects.Delete(ctx, obj.Key)
		}
		if err != nil {
			st.Kept++
			errs = append(errs, err)
			continue
		}
		st.Delivered++
	}
	return st, errors.Join(errs...)
}

func (o Outbox) read(ctx context.Context, key string) (Event, error) {
	b, err := o.Objects.Get(ctx, key, 1<<20)
	if err != nil {
		return Event{}, fmt.Errorf("webhook: outbox %s: %w", key, err)
	}
	var ev Event
	if err := json.Unmarshal(b, &ev); err != nil {
		return Event{}, fmt.Errorf("webhook: outbox %s: %w", key, err)
	}
	return ev, nil
}
