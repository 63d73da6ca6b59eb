package records

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// cursor is what a Page.Next carries: the listing it belongs to (the
// user's) and the position in it.
type cursor struct {
	Scope    string `json:"s"`
	Position string `json:"p"`
}

// encodeCursor returns the opaque Page.Next of a listing named scope (the
// same for every page of one user's listing, different for two users) at
// position (not empty).
func encodeCursor(scope, position string) string {
	b, _ := json.Marshal(cursor{scope, position}) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the position in the listing named scope that s, a
// cursor from encodeCursor, holds: "" for the empty cursor (the first page),
// and an error wrapping ErrBadCursor for a cursor that is not one, or is
// another listing's.
func decodeCursor(s, scope string) (string, error) {
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

// nextCursor returns the Page.Next of a page of user's listing whose last
// record is r.
func nextCursor(user string, r Record) string {
	p := PositionOf(r)
	return encodeCursor(user, strconv.FormatInt(p.At, 10)+":"+p.ID)
}

// decodePosition returns the position cursor holds in user's listing, and
// whether there is one (false for the first page). A cursor that is not
// one of this user's listing is an error wrapping ErrBadCursor.
func decodePosition(user, cursor string) (Position, bool, error) {
	s, err := decodeCursor(cursor, user)
	if err != nil || s == "" {
		return Position{}, false, err
	}
	at, id, ok := strings.Cut(s, ":")
	n, perr := strconv.ParseInt(at, 10, 64)
	if !ok || perr != nil || n < 0 || len(id) == 0 || len(id) > 64 {
		return Position{}, false, fmt.Errorf("%w: not one of this listing", ErrBadCursor)
	}
	return Position{n, id}, true, nil
}
