package imgproc

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestTextWatermark: watermark,text_<base64> ("Add watermarks" in the OSS
// image-processing guide) draws the text in color_ at the gravity's corner
// with the x_/y_ margins, size_ pixels high, on an image of the same size
// and format; ali-oss 6.23.0's processObjectSave test sends standard base64
// ("+") and a trailing comma, both accepted. Away from the stamp the pixels
// are unchanged.
func TestTextWatermark(t *testing.T) {
	white := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for i := range white.Pix {
		white.Pix[i] = 0xff
	}
	var src bytes.Buffer
	if err := png.Encode(&src, white); err != nil {
		t.Fatal(err)
	}
	text := base64.URLEncoding.EncodeToString([]byte("OSS"))
	out, ctype, err := Process("image/watermark,text_"+text+",color_ff0000,size_20,g_se,x_10,y_10,", bytes.NewReader(src.Bytes()))
	if err != nil || ctype != "image/png" {
		t.Fatalf("Process: %v %s", err, ctype)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds() != white.Bounds() {
		t.Fatalf("result: %v %v", err, img.Bounds())
	}
	red := 0
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			isRed := r > 0xc000 && g < 0x4000 && b < 0x4000
			inStamp := x >= 200-10-60 && x < 190 && y >= 100-10-20 && y < 90
			if isRed && !inStamp {
				t.Fatalf("red pixel outside the se stamp at %d,%d", x, y)
			}
			if !isRed && !inStamp && img.At(x, y) != (color.NRGBA{0xff, 0xff, 0xff, 0xff}) && img.At(x, y) != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				t.Fatalf("pixel changed outside the stamp at %d,%d: %v", x, y, img.At(x, y))
			}
			if isRed {
				red++
			}
		}
	}
	if red == 0 {
		t.Error("no text drawn")
	}
	if _, _, err := Process("image/watermark,text_aGVsbG8g5Zu+54mH5pyN5Yqh77yB,color_ff6a00,", bytes.NewReader(src.Bytes())); err != nil {
		t.Errorf("ali-oss's watermark (standard base64, trailing comma): %v", err)
	}
	for _, c := range []struct{ process, code string }{
		{"image/watermark,color_ff0000", "MissingArgument"},
		{"image/watermark,text_" + text + ",g_middle", "InvalidArgument"},
		{"image/watermark,image_" + text, "NotImplemented"},
	} {
		_, _, err := Process(c.process, bytes.NewReader(src.Bytes()))
		if e, ok := err.(*Error); !ok || e.Code != c.code {
			t.Errorf("%s: got %v, want %s", c.process, err, c.code)
		}
	}
}
