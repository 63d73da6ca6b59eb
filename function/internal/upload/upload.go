// Package upload is the contract between the sign function and the record
// function: the key an upload gets, the metadata its ticket pins and the
// record function reads back, the key of its quarantined copy, and the
// records prefix that holds no uploads. It is the only place these are spelled, so changing one
// is a change to this package alone; TestSignAndRecordAgree fails if what
// sign hands out and what record finds ever part.
package upload

import "net/url"

// The metadata every ticket pins (the form sends them, OSS stores them on
// the object) and the record function reads back from the object.
const (
	MetaUploader = "x-oss-meta-uploader" // the caller's user id, as authenticated
	MetaProfile  = "x-oss-meta-profile"  // the upload profile's name
	MetaFilename = "x-oss-meta-filename" // the client's file name, EscapeFilename'd
	// MetaOpenID is the caller's WeChat openid (the token claim
	// OSSGATE_WECHAT_OPENID_CLAIM names), pinned only on uploads of
	// profiles that moderate with wechat.
	MetaOpenID = "x-oss-meta-openid"
)

// EscapeFilename returns the form of a client's file name that MetaFilename
// carries: URL path escaping, so that any UTF-8 name travels as printable
// ASCII without markup or line breaks.
func EscapeFilename(name string) string { return url.PathEscape(name) }

// UnescapeFilename reverses EscapeFilename; a value that does not unescape
// (metadata written by something else) is returned as it is.
func UnescapeFilename(v string) string {
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}
