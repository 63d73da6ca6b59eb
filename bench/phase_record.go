package bench

import (
	"context"
	"errors"
)

// Record measures the record function's events per second through the
// emulator against the local OSS endpoint.
func (r *Runner) Record(ctx context.Context) error {
	return errors.New("bench: the record phase waits for local/stack and the record function")
}
