package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/ossclient"
)

// Ref names the record a trace_id is about.
type Ref struct {
	User string `json:"user"`
	ID   string `json:"id"`
}

// Traces maps trace_ids to records.
type Traces interface {
	Put(ctx context.Context, traceID string, ref Ref) error
	// Get returns the record of traceID, or an error wrapping
	// ErrUnknownTrace.
	Get(ctx context.Context, traceID string) (Ref, error)
}

// ErrUnknownTrace is wrapped by Get errors for a trace_id no check made.
var ErrUnknownTrace = errors.New("wechat: unknown trace_id")

// TracesDir is the folder of the trace objects under the records prefix.
const TracesDir = "_wxtrace"

// OSSTraces keeps one object per trace_id, {records}/_wxtrace/{trace_id}.json.
type OSSTraces struct {
	Objects ossclient.Objects
	Prefix  string // TracesPrefix
}

// TracesPrefix is the key prefix of the trace objects.
func TracesPrefix(p config.Prefixes) string { return p.Records + "/" + TracesDir + "/" }

// validTrace reports whether a trace_id is one a key may hold.
func validTrace(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Put implements Traces.
func (t OSSTraces) Put(ctx context.Context, traceID string, ref Ref) error {
	if !validTrace(traceID) {
		return fmt.Errorf("wechat: trace_id %q", traceID)
	}
	b, _ := json.Marshal(ref)
	if err := t.Objects.Put(ctx, t.Prefix+traceID+".json", "application/json", b); err != nil {
		return fmt.Errorf("wechat: keep trace %s: %w", traceID, err)
	}
	return nil
}

// Get implements Traces.
func (t OSSTraces) Get(ctx context.Context, traceID string) (Ref, error) {
	if !validTrace(traceID) {
		return Ref{}, fmt.Errorf("%w: %q", ErrUnknownTrace, traceID)
	}
	b, err := t.Objects.Get(ctx, t.Prefix+traceID+".json", 4096)
	if ossclient.IsNotFound(err) {
		return Ref{}, fmt.Errorf("%w: %s", ErrUnknownTrace, traceID)
	}
	var ref Ref
	if err == nil {
		err = json.Unmarshal(b, &ref)
	}
	if err != nil {
		return Ref{}, fmt.Errorf("wechat: trace %s: %w", traceID, err)
	}
	return ref, nil
}
