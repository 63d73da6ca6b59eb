package ossemu

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Object keys may hold control characters that XML 1.0 cannot carry as
// text (U+0001–U+001F but tab, newline and carriage return). The official
// SDKs write them in request documents as character references, "&#x0C;"
// (alibabacloud-oss-go-sdk-v2 oss/xml_utils.go escapeXml, aliyun-oss-go-sdk
// oss/utils.go EscapeXml), which encoding/xml refuses to decode, and read
// them back the same way; encoding/xml would write U+FFFD instead. So keys
// travel through encoding/xml as stand-ins from the last private-use plane
// (U+10FF01–U+10FF1F, never a real key's), swapped for the references
// before decoding and back into references after encoding.

const ctlBase = 0x10FF00

// controlRef matches a character reference to a control character.
var controlRef = regexp.MustCompile(`&#(x0*[0-9A-Fa-f]{1,2}|0*[0-9]{1,2});`)

// isXMLControl reports whether r is a control character XML cannot carry.
func isXMLControl(r rune) bool { return r > 0 && r < 0x20 && r != '\t' && r != '\n' && r != '\r' }

// controlRefsToStandIns replaces the request document's references to
// control characters, and the raw control characters themselves, with their
// stand-ins, so encoding/xml decodes it. ali-oss writes them raw
// (lib/common/object/deleteMulti.js escapes only & < > " '), and its
// "should encode variant object keys" test deletes such keys from OSS with
// DeleteMultipleObjects.
func controlRefsToStandIns(doc []byte) []byte {
	doc = bytes.Map(func(r rune) rune {
		if isXMLControl(r) {
			return ctlBase + r
		}
		return r
	}, doc)
	return controlRef.ReplaceAllFunc(doc, func(ref []byte) []byte {
		s := string(ref[2 : len(ref)-1])
		base := 10
		if s[0] == 'x' {
			s, base = s[1:], 16
		}
		n, err := strconv.ParseUint(s, base, 8)
		if err != nil || !isXMLControl(rune(n)) {
			return ref
		}
		return []byte(string(rune(ctlBase + n)))
	})
}

// keyFromStandIns is a decoded key with its stand-ins made control
// characters again.
func keyFromStandIns(key string) string {
	return strings.Map(func(r rune) rune {
		if r > ctlBase && isXMLControl(r-ctlBase) {
			return r - ctlBase
		}
		return r
	}, key)
}

// keyToStandIns is a key to encode with encoding/xml: its control
// characters replaced by stand-ins, which standInsToControlRefs turns into
// references in the encoded document.
func keyToStandIns(key string) string {
	return strings.Map(func(r rune) rune {
		if isXMLControl(r) {
			return ctlBase + r
		}
		return r
	}, key)
}

// standInsToControlRefs replaces stand-ins in an encoded document with
// character references.
func standInsToControlRefs(doc []byte) []byte {
	if !containsStandIn(doc) {
		return doc
	}
	var b bytes.Buffer
	for _, r := range string(doc) {
		if r > ctlBase && isXMLControl(r-ctlBase) {
			fmt.Fprintf(&b, "&#x%02X;", r-ctlBase)
			continue
		}
		b.WriteRune(r)
	}
	return b.Bytes()
}

func containsStandIn(doc []byte) bool {
	for _, r := range string(doc) {
		if r > ctlBase && isXMLControl(r-ctlBase) {
			return true
		}
	}
	return false
}
