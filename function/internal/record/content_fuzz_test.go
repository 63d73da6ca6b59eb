package record_test

import (
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/internal/record"
)

// FuzzCheckContent feeds arbitrary bytes, declared as each type a profile
// may allow, to the content check: it never panics, and text holding a
// script tag never passes.
func FuzzCheckContent(f *testing.F) {
	for _, seed := range [][]byte{pngBytes(f), jpegBytes(f), gifBytes(f), webpBytes(), pdfBytes(), textBytes(),
		ftypBox("heic", "mif1", "heic"), ftypBox("avif", "avif"), []byte("\x00\x00\x00\x10ftypheic"),
		[]byte("GIF89a<svg onload=x>"), []byte("\xff\xd8\xff\xe1\xff\xff"), []byte("RIFF\x00\x00\x00\x00WEBPVP8X")} {
		f.Add(seed, uint8(0), true)
	}
	types := []string{"image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/avif",
		"application/pdf", "text/plain", "text/csv", "video/mp4", "application/zip", ""}
	f.Fuzz(func(t *testing.T, head []byte, which uint8, polyglots bool) {
		declared := types[int(which)%len(types)]
		for _, size := range []int64{int64(len(head)), int64(len(head)) + 1} {
			why := record.CheckContent(head, size, declared, polyglots)
			if strings.HasPrefix(declared, "text/") && strings.Contains(strings.ToLower(string(head)), "<script>") && why == "" {
				t.Fatalf("text %q declared %s passed", head, declared)
			}
		}
	})
}
