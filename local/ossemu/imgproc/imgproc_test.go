package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/HugoSmits86/nativewebp"
)

// TestPlanDocumentedExamples reproduces the examples of OSS's "Resize
// images" page: a 200 × 100 source resized with w_150,h_80 in each mode.
func TestPlanDocumentedExamples(t *testing.T) {
	tests := []struct {
		params         string
		scaled, canvas image.Point
	}{
		{"m_lfit,w_150,h_80", image.Pt(150, 75), image.Pt(150, 75)},
		{"m_mfit,w_150,h_80", image.Pt(160, 80), image.Pt(160, 80)},
		{"m_fill,w_150,h_80", image.Pt(160, 80), image.Pt(150, 80)},
		{"m_pad,w_150,h_80", image.Pt(150, 75), image.Pt(150, 80)},
		{"m_fixed,w_150,h_80", image.Pt(150, 80), image.Pt(150, 80)},
		{"w_150,h_80", image.Pt(150, 75), image.Pt(150, 75)}, // lfit is the default
		// One side alone keeps the aspect ratio (lfit, mfit, fixed) or
		// makes a square box (fill, pad).
		{"w_100", image.Pt(100, 50), image.Pt(100, 50)},
		{"h_50", image.Pt(100, 50), image.Pt(100, 50)},
		{"m_fixed,w_100", image.Pt(100, 50), image.Pt(100, 50)},
		{"m_fill,w_80", image.Pt(160, 80), image.Pt(80, 80)},
		{"m_pad,w_80", image.Pt(80, 40), image.Pt(80, 80)},
		// l and s name the longer and the shorter side.
		{"l_100", image.Pt(100, 50), image.Pt(100, 50)},
		{"s_50", image.Pt(100, 50), image.Pt(100, 50)},
		{"l_100,s_100", image.Pt(100, 50), image.Pt(100, 50)},
		// w and h take precedence over l and s.
		{"w_100,l_10", image.Pt(100, 50), image.Pt(100, 50)},
		{"p_50", image.Pt(100, 50), image.Pt(100, 50)},
		// limit_1 (the default) never enlarges: the source's size is kept.
		{"w_400", image.Pt(200, 100), image.Pt(200, 100)},
		{"p_200", image.Pt(200, 100), image.Pt(200, 100)},
		{"w_400,limit_0", image.Pt(400, 200), image.Pt(400, 200)},
		{"p_200,limit_0", image.Pt(400, 200), image.Pt(400, 200)},
		{"w_1,h_1", image.Pt(1, 1), image.Pt(1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			r, err := parseResize(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			p := r.plan(200, 100, false)
			if p.scaled != tt.scaled || p.canvas != tt.canvas {
				t.Errorf("got scaled %v canvas %v, want %v %v", p.scaled, p.canvas, tt.scaled, tt.canvas)
			}
		})
	}
}

// TestGIFNeverEnlarged: GIF images are only ever shrunk.
func TestGIFNeverEnlarged(t *testing.T) {
	r, _ := parseResize("w_400,limit_0")
	if p := r.plan(200, 100, true); p.scaled != image.Pt(200, 100) {
		t.Errorf("GIF with limit_0: got %v, want the source size", p.scaled)
	}
}

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

func encoded(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := testImage(w, h)
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "png":
		err = png.Encode(&buf, img)
	case "webp":
		err = nativewebp.Encode(&buf, img, nil)
	case "gif":
		pal := image.NewPaletted(img.Bounds(), []color.Color{color.Black, color.White, color.RGBA{255, 0, 0, 255}})
		pal2 := image.NewPaletted(image.Rect(10, 10, 30, 20), pal.Palette)
		err = gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{pal, pal2}, Delay: []int{10, 10}})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestProcessEachFormat resizes a real image of each format and decodes
// the result: same format, the planned size.
func TestProcessEachFormat(t *testing.T) {
	for _, format := range []string{"jpeg", "png", "gif", "webp"} {
		t.Run(format, func(t *testing.T) {
			out, ct, err := Process("image/resize,w_64", bytes.NewReader(encoded(t, format, 256, 128)))
			if err != nil {
				t.Fatal(err)
			}
			if ct != "image/"+format {
				t.Errorf("Content-Type %q, want image/%s", ct, format)
			}
			cfg, got, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || got != format || cfg.Width != 64 || cfg.Height != 32 {
				t.Errorf("result: %s %d×%d (%v), want %s 64×32", got, cfg.Width, cfg.Height, err, format)
			}
			if format == "gif" {
				g, err := gif.DecodeAll(bytes.NewReader(out))
				if err != nil || len(g.Image) != 2 {
					t.Errorf("animated GIF: %v, %d frames, want 2", err, len(g.Image))
				}
			}
		})
	}
}

// TestProcessPadColour: pad fills the margin with the given colour.
func TestProcessPadColour(t *testing.T) {
	out, _, err := Process("image/resize,m_pad,w_64,h_64,color_FF0000", bytes.NewReader(encoded(t, "png", 128, 64)))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := img.At(32, 2).RGBA(); r>>8 != 255 || g != 0 || b != 0 {
		t.Errorf("margin pixel: got %d,%d,%d, want red", r>>8, g>>8, b>>8)
	}
}

// hugePNG returns a valid PNG header declaring a w × h image, with no
// pixel data: a decompression bomb's calling card.
func hugePNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&buf, binary.BigEndian, uint32(len(ihdr)))
	buf.Write(chunk)
	binary.Write(&buf, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return buf.Bytes()
}

func TestProcessErrors(t *testing.T) {
	png := encoded(t, "png", 8, 8)
	tests := []struct {
		name, process string
		src           []byte
		status        int
		code          string
	}{
		{"not image", "video/snapshot,t_1", png, 400, "InvalidArgument"},
		{"no action", "image", png, 400, "InvalidArgument"},
		{"bad mode", "image/resize,w_100,m_abc", png, 400, "InvalidArgument"},
		{"zero width", "image/resize,w_0", png, 400, "InvalidArgument"},
		{"width too big", "image/resize,w_16385", png, 400, "InvalidArgument"},
		{"width not number", "image/resize,w_1e3", png, 400, "InvalidArgument"},
		{"leading zero", "image/resize,w_064", png, 400, "InvalidArgument"},
		{"p too big", "image/resize,p_1001", png, 400, "InvalidArgument"},
		{"bad limit", "image/resize,w_1,limit_2", png, 400, "InvalidArgument"},
		{"bad colour", "image/resize,m_pad,w_1,color_red", png, 400, "InvalidArgument"},
		{"unknown parameter", "image/resize,w_1,q_90", png, 400, "InvalidArgument"},
		{"duplicate", "image/resize,w_1,w_2", png, 400, "InvalidArgument"},
		{"no size", "image/resize,m_lfit", png, 400, "MissingArgument"},
		{"other action", "image/rotate,90", png, 501, "NotImplemented"},
		{"resize then other", "image/resize,w_4/crop,w_1", png, 501, "NotImplemented"},
		{"not an image", "image/resize,w_4", []byte("<html>hello</html>"), 400, "InvalidArgument"},
		{"too wide", "image/resize,w_4", hugePNG(30001, 1), 400, "InvalidArgument"},
		{"too many pixels", "image/resize,w_4", hugePNG(20000, 20000), 400, "InvalidArgument"},
		{"too many bytes", "image/resize,w_4", append(png, make([]byte, MaxSourceBytes)...), 400, "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Process(tt.process, bytes.NewReader(tt.src))
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.status || e.Code != tt.code {
				t.Errorf("got %v, want %d %s", err, tt.status, tt.code)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "imgproc: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// FuzzProcess: any process string and any bytes give a result or an
// *Error, never a panic.
func FuzzProcess(f *testing.F) {
	f.Add("image/resize,w_16", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("image/resize,m_fill,w_3,h_2", []byte("GIF89a"))
	f.Fuzz(func(t *testing.T, process string, src []byte) {
		_, _, err := Process(process, bytes.NewReader(src))
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("error %v is not an *Error", err)
		}
	})
}
