package records

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// cursor is what a Page.Next carries: the listing it belongs to (a store's
// name for the user's records) and the store's position in it.
type cursor struct {
	Scope    string `json:"s"`
	Position string `json:"p"`
}

// EncodeCursor returns the opaque Page.Next of a listing named scope (the
// same for every page of one user's listing, different for two users) at
// position (what the store needs to go on; not empty).
func EncodeCursor(scope, position string) string {
	b, _ := json.Marshal(cursor{scope, position}) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the position in the listing named scope that s, a
// cursor from EncodeCursor, holds: "" for the empty cursor (the first page),
// and an error wrapping ErrBadCursor for a cursor that is not one, or is
// another listing's.
func DecodeCursor(s, scope string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Scope != scope || c.Position == "" {
		return "", fmt.Errorf("%w: not one of this listing", ErrBadCursor)
	}
	return c.Position, nil
}
