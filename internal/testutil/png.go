package testutil

import "fmt"

// pngHeader is a PNG signature and the IHDR chunk of a 1×1 RGBA image, CRC
// included: enough for the record function's content check, which decodes
// an image's header, to accept the upload as image/png.
const pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

// PNGFile returns a file the record function accepts as image/png, its
// bytes unique to tag and i.
func PNGFile(tag string, i int) []byte {
	return append([]byte(pngHeader), fmt.Sprintf("%s-%06d", tag, i)...)
}
