package record_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/internal/records"
)

// ftypBox is an ISO-BMFF file start: an ftyp box with major brand and the
// compatible brands, then a meta box header.
func ftypBox(major string, compatible ...string) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(16+4*len(compatible)))
	b.WriteString("ftyp" + major + "\x00\x00\x00\x00" + strings.Join(compatible, ""))
	b.Write([]byte("\x00\x00\x00\x2cmeta\x00\x00\x00\x00"))
	return append(b.Bytes(), make([]byte, 64)...)
}

// bigHeaderJPEG is a real JPEG whose frame header comes after 140 KB of
// APP segments (as a large EXIF thumbnail and ICC profile put it): beyond
// the bytes the record function reads.
func bigHeaderJPEG(t testing.TB) []byte {
	j := jpegBytes(t)
	out := append([]byte(nil), j[:2]...)
	seg := append([]byte{0xff, 0xe1, 0xff, 0xff}, bytes.Repeat([]byte("E"), 0xffff-2)...)
	out = append(out, seg...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// TestSniffingRules: text never accepts HTML, SVG,
// XML or script; an image must decode its header as the declared image
// (the ISO-BMFF ftyp brands for HEIC and AVIF), not only begin with its
// magic bytes; and, where the profile rejects polyglots (the default), an
// image or PDF whose sniffed bytes also hold HTML or script markup is a
// mismatch. Each case goes through the record handler.
func TestSniffingRules(t *testing.T) {
	png, jpeg, gif, pdf := pngBytes(t), jpegBytes(t), gifBytes(t), pdfBytes()
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name, profile, ctype string
		body                 []byte
		ok                   bool
	}{
		{"plain text", "notes", "text/plain", textBytes(), true},
		{"csv", "notes", "text/csv", []byte("a,b\n1,2\n"), true},
		{"json as text", "notes", "text/plain", []byte(`{"a": [1, 2]}`), true},
		{"html as text", "notes", "text/plain", []byte("<!DOCTYPE html><html><body>hi</body></html>"), false},
		{"svg as text", "notes", "text/plain", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), false},
		{"xml as text", "notes", "text/plain", []byte(`<?xml version="1.0"?><note>hi</note>`), false},
		{"script as text", "notes", "text/plain", []byte("#!/usr/bin/env node\nconsole.log(1)\n"), false},
		{"html as csv", "notes", "text/csv", []byte("<html><script>alert(1)</script></html>"), false},
		{"markup inside text", "notes", "text/plain", []byte("dear user,\nclick <a href=x><img src=x onerror=alert(1)></a>\n"), false},
		{"png", "pics", "image/png", png, true},
		{"png magic, no image", "pics", "image/png", []byte("\x89PNG\r\n\x1a\nthis is not an image header at all"), false},
		{"png then html", "pics", "image/png", cat(png, []byte("<html><script>alert(1)</script>")), false},
		{"png then html, polyglots allowed", "loose", "image/png", cat(png, []byte("<html><script>alert(1)</script>")), true},
		{"jpeg", "pics", "image/jpeg", jpeg, true},
		{"jpeg, frame header beyond the read", "pics", "image/jpeg", bigHeaderJPEG(t), true},
		{"jpeg magic, no image", "pics", "image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00 and then nothing that decodes"), false},
		{"gif", "pics", "image/gif", gif, true},
		{"gif then svg", "pics", "image/gif", cat(gif, []byte(`<svg onload="alert(1)">`)), false},
		{"gif magic, no image", "pics", "image/gif", []byte("GIF89a"), false},
		{"webp", "pics", "image/webp", webpBytes(), true},
		{"webp magic, no image", "pics", "image/webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00junk"), false},
		{"heic", "pics", "image/heic", ftypBox("heic", "mif1", "heic"), true},
		{"heic, mif1 major", "pics", "image/heic", ftypBox("mif1", "mif1", "heic", "miaf"), true},
		{"avif", "pics", "image/avif", ftypBox("avif", "avif", "mif1", "miaf"), true},
		{"avif as heic", "pics", "image/heic", ftypBox("avif", "avif", "mif1"), false},
		{"mp4 as heic", "pics", "image/heic", ftypBox("isom", "isom", "mp41"), false},
		{"heic, broken box", "pics", "image/heic", []byte("\x00\x00\x00\x07ftypheic\x00\x00\x00\x00"), false},
		{"pdf", "docs", "application/pdf", pdf, true},
		{"pdf with html", "docs", "application/pdf", cat([]byte("%PDF-1.4\n"), []byte("<html><body><script>alert(1)</script>")), false},
		{"pdf with html, polyglots allowed", "loose", "application/pdf", cat([]byte("%PDF-1.4\n"), []byte("<html><body><script>alert(1)</script>")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "tag")
			k := keyOf(tt.profile, "alice", "f.bin")
			e.objs.put(k, tt.ctype, "alice", tt.profile, tt.body)
			if err := e.handle(t, evRec{name: "ObjectCreated:PostObject", bucket: bucket, key: k}); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			r := e.get(t, k)
			if ok := r.Status == records.StatusOK; ok != tt.ok {
				t.Errorf("got status %q (reason %q), want ok=%v", r.Status, r.Reason, tt.ok)
			}
		})
	}
}
