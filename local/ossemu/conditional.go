package ossemu

import (
	"net/http"
	"strings"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// errNotModified is the 304 answer of a GET or HEAD whose If-None-Match or
// If-Modified-Since does not hold; writeError sends it without a body.
func errNotModified() *Error {
	return &Error{Status: http.StatusNotModified, Code: "NotModified"}
}

// errPrecondition is the 412 of a failed If-Match or If-Unmodified-Since;
// OSS names the condition after its message ("… did not hold. (condition:
// If-Unmodified-Since)", asserted by ali-oss 6.23.0 test/node/object.test.js,
// which asserts the same unprefixed name for a copy's
// x-oss-copy-source-if-match).
func errPrecondition(condition string) *Error {
	return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "", "%s (condition: %s)", msgPrecondition, condition)
}

// preconditions are the four conditional headers of a GET or HEAD (or, with
// the x-oss-copy-source-if- prefix, of a copy), evaluated against an object
// as the OSS conditional-download page describes: If-Match (ETag differs)
// and If-Unmodified-Since (modified after the time) fail with 412
// PreconditionFailed; If-None-Match (ETag equal) and If-Modified-Since (not
// modified after the time) with 304. When several are sent the RFC 7232
// order applies (If-Match before If-Unmodified-Since, If-None-Match before
// If-Modified-Since); OSS documents no order, so this is unconfirmed. An
// unparseable time is ignored, as HTTP says.
type preconditions struct {
	ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince string
}

func requestPreconditions(h http.Header, prefix string) preconditions {
	return preconditions{
		ifMatch:           h.Get(prefix + "If-Match"),
		ifNoneMatch:       h.Get(prefix + "If-None-Match"),
		ifModifiedSince:   h.Get(prefix + "If-Modified-Since"),
		ifUnmodifiedSince: h.Get(prefix + "If-Unmodified-Since"),
	}
}

// check evaluates p against m: the "changed" conditions fail with 412, the
// "unchanged" ones with 304, for a GET and for a copy alike (the CopyObject
// page of the OSS API reference: x-oss-copy-source-if-none-match and
// -if-modified-since answer 304 Not Modified).
func (p preconditions) check(m *disk.Meta) *Error {
	modified := m.LastModified.Truncate(time.Second)
	switch {
	case p.ifMatch != "":
		if !etagListMatches(p.ifMatch, m.ETag) {
			return errPrecondition("If-Match")
		}
	case p.ifUnmodifiedSince != "":
		if t, err := http.ParseTime(p.ifUnmodifiedSince); err == nil && modified.After(t) {
			return errPrecondition("If-Unmodified-Since")
		}
	}
	switch {
	case p.ifNoneMatch != "":
		if etagListMatches(p.ifNoneMatch, m.ETag) {
			return errNotModified()
		}
	case p.ifModifiedSince != "":
		if t, err := http.ParseTime(p.ifModifiedSince); err == nil && !modified.After(t) {
			return errNotModified()
		}
	}
	return nil
}

// etagListMatches reports whether the comma-separated list of (quoted or
// bare, optionally weak) ETags v contains etag, or is "*".
func etagListMatches(v, etag string) bool {
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimPrefix(strings.TrimSpace(item), "W/")
		if item == "*" || strings.EqualFold(strings.Trim(item, `"`), etag) {
			return true
		}
	}
	return false
}
