package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"slices"

	"golang.org/x/image/webp"
)

// headerDecoders decode the header of each image type the profiles know
// (HEIC and AVIF aside: checkFtyp reads their brands).
var headerDecoders = map[string]func(io.Reader) (image.Config, error){
	"image/png":  png.DecodeConfig,
	"image/jpeg": jpeg.DecodeConfig,
	"image/gif":  gif.DecodeConfig,
	"image/webp": webp.DecodeConfig,
}

// decodeHeader decodes the image header at the start of head as declared:
// its format and a non-empty size. When truncated (head is only the start
// of the object), a header cut short by the end of head is not an error: it
// was well formed as far as it was read (a JPEG's metadata segments can
// push its frame header far into the file).
func decodeHeader(head []byte, declared string, truncated bool) error {
	dec, ok := headerDecoders[declared]
	if !ok {
		return nil // checkFtyp has checked HEIC and AVIF
	}
	c, err := dec(bytes.NewReader(head))
	switch {
	case truncated && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)):
		return nil
	case err != nil:
		return err
	case c.Width <= 0 || c.Height <= 0:
		return fmt.Errorf("image size %dx%d", c.Width, c.Height)
	}
	return nil
}

// ftypBrands are the ISO-BMFF brands that make a file a HEIC or an AVIF
// image (ISO/IEC 23008-12 and the AV1 Image File Format): one of them must be
// the major brand or a compatible brand.
var ftypBrands = map[string][]string{
	"image/heic": {"heic", "heix", "heim", "heis"},
	"image/avif": {"avif", "avis"},
}

// checkFtyp returns why head does not start with an ftyp box naming one of
// brands, or "".
func checkFtyp(head []byte, declared string, brands []string) string {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return fmt.Sprintf("declared %s, content is %s", declared, Sniff(head))
	}
	size := binary.BigEndian.Uint32(head[:4])
	if size < 16 || size%4 != 0 || size > 4096 || int(size) > len(head) {
		return fmt.Sprintf("declared %s, header does not decode (ftyp box of %d bytes)", declared, size)
	}
	if slices.Contains(brands, string(head[8:12])) {
		return ""
	}
	for i := 16; i < int(size); i += 4 {
		if slices.Contains(brands, string(head[i:i+4])) {
			return ""
		}
	}
	return fmt.Sprintf("declared %s, content is %s (brand %q)", declared, Sniff(head), head[8:12])
}
