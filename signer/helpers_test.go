package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/google/go-cmp/cmp"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sortedJSON compares decoded JSON arrays as multisets, by their JSON text.
var sortedJSON = cmp.Transformer("sortedJSON", func(in []any) []string {
	out := make([]string, len(in))
	for i, v := range in {
		b, _ := json.Marshal(v)
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
})
