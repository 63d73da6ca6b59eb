package sign

import (
	"encoding/json"
	"maps"
	"slices"
)

// MarshalJSON writes code, message, requestId and the quota fields, then
// the Details in name order; a detail never replaces one of those.
func (f errorFields) MarshalJSON() ([]byte, error) {
	type plain errorFields // without this method
	b, err := json.Marshal(plain(f))
	if err != nil || len(f.Details) == 0 {
		return b, err
	}
	b = b[:len(b)-1] // drop the closing brace
	for _, name := range slices.Sorted(maps.Keys(f.Details)) {
		if name == "code" || name == "message" || name == "requestId" || name == "exceeded" || name == "retryAfter" {
			continue
		}
		v, err := json.Marshal(f.Details[name])
		if err != nil {
			return nil, err
		}
		b = appendString(append(b, ','), name)
		b = append(append(b, ':'), v...)
	}
	return append(b, '}'), nil
}
