package stack

import (
	"context"
	"fmt"
	"time"
)

// settle is how long the record queue must stay idle, with no new event
// accepted, before DrainEvents trusts it when the OSS endpoint cannot report
// its pending deliveries (ossemu hands each event to the trigger from a
// goroutine it starts before answering the upload).
const settle = 100 * time.Millisecond

// pendingDeliverer is implemented by an OSS endpoint that counts trigger
// deliveries started and not yet returned.
type pendingDeliverer interface{ PendingDeliveries() int }

// DrainEvents waits until every OSS event of the uploads answered so far has
// reached the record function and been delivered or given up, or ctx ends.
func (s *Stack) DrainEvents(ctx context.Context) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	pd, exact := any(s.OSS).(pendingDeliverer)
	var idleSince time.Time
	lastAccepted := -1
	for {
		st := s.Record.AsyncStats()
		ossIdle := !exact || pd.PendingDeliveries() == 0
		switch {
		case !ossIdle || st.Pending > 0 || st.Accepted != lastAccepted:
			idleSince, lastAccepted = time.Time{}, st.Accepted
		case exact:
			// Deliveries are counted before the upload is answered and
			// enqueued before they end: nothing more can arrive.
			if s.Record.AsyncStats().Pending == 0 {
				return nil
			}
		case idleSince.IsZero():
			idleSince = time.Now()
		case time.Since(idleSince) >= settle:
			return nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("stack: drain events: %w (record queue %+v)", ctx.Err(), st)
		}
	}
}
