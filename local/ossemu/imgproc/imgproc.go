// Package imgproc applies OSS image processing (x-oss-process=image/...) to
// an object's bytes, for the local OSS endpoint. It emulates the resize
// action (the parameters and limits of Alibaba's "Resize images"
// documentation), the format action ("Convert image formats": jpg, png,
// webp, gif) and text watermarks ("Add watermarks", watermark.go) on JPEG,
// PNG, GIF and WebP images; any other action is refused
// as not emulated rather than answered wrongly.
package imgproc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"

	"github.com/HugoSmits86/nativewebp"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits on source and result images, from the OSS documentation.
const (
	MaxSourceBytes  = 20 << 20    // a source image is at most 20 MB
	MaxSourceSide   = 30000       // neither side over 30,000 px
	MaxSourcePixels = 250_000_000 // width × height (× frames) at most 250 million
	MaxTargetSide   = 16384       // w, h, l and s are 1..16384
)

// Error is a refusal with the OSS error code it maps to.
type Error struct {
	Status  int    // HTTP status
	Code    string // OSS error code, e.g. InvalidArgument
	Message string
}

func (e *Error) Error() string { return "imgproc: " + e.Code + ": " + e.Message }

func invalid(format string, a ...any) error {
	return &Error{Status: 400, Code: "InvalidArgument", Message: fmt.Sprintf(format, a...)}
}

// ErrNotImage is wrapped by the error for bytes that are not an image of a
// supported format.
var ErrNotImage = errors.New("imgproc: not a JPEG, PNG, GIF or WebP image")

// Process applies process (the value of x-oss-process, e.g.
// "image/resize,w_256") to src and returns the result and its
// Content-Type. Errors are *Error values.
func Process(process string, src io.Reader) ([]byte, string, error) {
	kind, actions, ok := strings.Cut(process, "/")
	if !ok || kind != "image" || actions == "" {
		return nil, "", invalid("x-oss-process %q: want image/<action>,<params>", process)
	}
	var steps []func(*picture) *picture
	for _, a := range strings.Split(actions, "/") {
		name, params, _ := strings.Cut(a, ",")
		switch name {
		case "resize":
			r, err := parseResize(params)
			if err != nil {
				return nil, "", err
			}
			steps = append(steps, func(p *picture) *picture { return p.resize(r) })
		case "format":
			f, err := parseFormat(params)
			if err != nil {
				return nil, "", err
			}
			steps = append(steps, func(p *picture) *picture { return p.as(f) })
		case "watermark":
			w, err := parseWatermark(params)
			if err != nil {
				return nil, "", err
			}
			steps = append(steps, w.apply)
		default:
			return nil, "", &Error{Status: 501, Code: "NotImplemented",
				Message: fmt.Sprintf("ossemu emulates the resize, format and text watermark image actions, not %q", name)}
		}
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxSourceBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("imgproc: read source: %w", err)
	}
	if len(data) > MaxSourceBytes {
		return nil, "", invalid("source image larger than %d bytes", MaxSourceBytes)
	}
	img, err := decode(data)
	if err != nil {
		return nil, "", err
	}
	for _, step := range steps {
		img = step(img)
	}
	return img.encode()
}

// parseFormat parses the parameter of the format action ("Convert image
// formats" in the OSS image-processing guide: format,jpg / png / webp / gif
// and others); the emulator writes jpg, png, webp and gif.
func parseFormat(params string) (string, error) {
	switch strings.ToLower(params) {
	case "jpg", "jpeg":
		return "jpeg", nil
	case "png", "webp", "gif":
		return strings.ToLower(params), nil
	case "bmp", "tiff", "heic", "avif":
		return "", &Error{Status: 501, Code: "NotImplemented", Message: fmt.Sprintf("ossemu does not write the %s format", params)}
	}
	return "", invalid("format %q: want jpg, png, webp, gif, bmp, tiff, heic or avif", params)
}

// as returns the picture to be written in format f: an animated GIF written
// in another format keeps its first frame, a still picture written as GIF
// becomes a one-frame GIF.
func (p *picture) as(f string) *picture {
	switch {
	case f == p.format:
		return p
	case p.anim != nil:
		b := image.Rect(0, 0, p.anim.Config.Width, p.anim.Config.Height)
		first := image.NewRGBA(b)
		draw.Draw(first, p.anim.Image[0].Bounds(), p.anim.Image[0], p.anim.Image[0].Bounds().Min, draw.Over)
		return &picture{format: f, frame: first}
	case f == "gif":
		b := p.frame.Bounds()
		pal := image.NewPaletted(b, palette.Plan9)
		draw.FloydSteinberg.Draw(pal, b, p.frame, b.Min)
		return &picture{format: f, anim: &gif.GIF{Image: []*image.Paletted{pal}, Delay: []int{0},
			Config: image.Config{ColorModel: pal.Palette, Width: b.Dx(), Height: b.Dy()}}}
	}
	return &picture{format: f, frame: p.frame}
}

// resize holds the parameters of one resize action.
type resize struct {
	mode       string // lfit, mfit, fill, pad, fixed
	w, h, l, s int
	p          int // percentage, 1..1000
	limit      bool
	color      color.RGBA
}

// parseResize parses "w_256,m_lfit,…".
func parseResize(params string) (resize, error) {
	r := resize{mode: "lfit", limit: true, color: color.RGBA{0xff, 0xff, 0xff, 0xff}}
	seen := map[string]bool{}
	for _, kv := range strings.Split(params, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "_")
		if !ok || seen[k] {
			return r, invalid("resize parameter %q", kv)
		}
		seen[k] = true
		var err error
		switch k {
		case "m":
			switch v {
			case "lfit", "mfit", "fill", "pad", "fixed":
				r.mode = v
			default:
				return r, invalid("resize: m must be lfit, mfit, fill, pad or fixed, got %q", v)
			}
		case "w":
			r.w, err = number(k, v, 1, MaxTargetSide)
		case "h":
			r.h, err = number(k, v, 1, MaxTargetSide)
		case "l":
			r.l, err = number(k, v, 1, MaxTargetSide)
		case "s":
			r.s, err = number(k, v, 1, MaxTargetSide)
		case "p":
			r.p, err = number(k, v, 1, 1000)
		case "limit":
			var n int
			n, err = number(k, v, 0, 1)
			r.limit = n == 1
		case "color":
			r.color, err = hexColor(v)
		default:
			return r, invalid("resize: unknown parameter %q", k)
		}
		if err != nil {
			return r, err
		}
	}
	if r.w == 0 && r.h == 0 && r.l == 0 && r.s == 0 && r.p == 0 {
		return r, &Error{Status: 400, Code: "MissingArgument", Message: "resize needs one of w, h, l, s or p"}
	}
	return r, nil
}

func number(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi || strconv.Itoa(n) != v {
		return 0, invalid("resize: %s must be an integer from %d to %d, got %q", name, lo, hi, v)
	}
	return n, nil
}

func hexColor(v string) (color.RGBA, error) {
	n, err := strconv.ParseUint(v, 16, 32)
	if err != nil || len(v) != 6 {
		return color.RGBA{}, invalid("resize: color must be 6 hex digits, got %q", v)
	}
	return color.RGBA{uint8(n >> 16), uint8(n >> 8), uint8(n), 0xff}, nil
}

// picture is a decoded image: one frame, or a GIF's frames.
type picture struct {
	format string // jpeg, png, gif, webp
	frame  image.Image
	anim   *gif.GIF
}

// decode checks the limits on the header before decoding the pixels, so
// that a small file declaring a huge image is refused cheaply.
func decode(data []byte) (*picture, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Status: 400, Code: "InvalidArgument", Message: ErrNotImage.Error()}
	}
	if cfg.Width > MaxSourceSide || cfg.Height > MaxSourceSide || cfg.Width*cfg.Height > MaxSourcePixels {
		return nil, invalid("source image %d×%d exceeds the limits (%d px a side, %d pixels)", cfg.Width, cfg.Height, MaxSourceSide, MaxSourcePixels)
	}
	if format == "gif" {
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, invalid("gif: %v", err)
		}
		if cfg.Width*cfg.Height*len(g.Image) > MaxSourcePixels {
			return nil, invalid("animated image of %d frames exceeds %d pixels", len(g.Image), MaxSourcePixels)
		}
		return &picture{format: format, anim: g}, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("%s: %v", format, err)
	}
	return &picture{format: format, frame: img}, nil
}

func (p *picture) bounds() image.Rectangle {
	if p.anim != nil {
		return image.Rect(0, 0, p.anim.Config.Width, p.anim.Config.Height)
	}
	return p.frame.Bounds()
}

// encode writes the picture in its own format.
func (p *picture) encode() ([]byte, string, error) {
	var buf bytes.Buffer
	var err error
	switch p.format {
	case "jpeg":
		err = jpeg.Encode(&buf, p.frame, &jpeg.Options{Quality: 85})
	case "png":
		err = png.Encode(&buf, p.frame)
	case "webp":
		err = nativewebp.Encode(&buf, p.frame, nil)
	case "gif":
		err = gif.EncodeAll(&buf, p.anim)
	default:
		return nil, "", invalid("cannot encode %s", p.format)
	}
	if err != nil {
		return nil, "", fmt.Errorf("imgproc: encode %s: %w", p.format, err)
	}
	return buf.Bytes(), "image/" + p.format, nil
}

func init() {
	image.RegisterFormat("webp", "RIFF????WEBPVP8", webp.Decode, webp.DecodeConfig)
}

// resize returns the picture resized by r.
func (p *picture) resize(r resize) *picture {
	b := p.bounds()
	plan := r.plan(b.Dx(), b.Dy(), p.anim != nil)
	if p.anim == nil {
		return &picture{format: p.format, frame: plan.apply(p.frame)}
	}
	out := *p.anim
	out.Image = make([]*image.Paletted, len(p.anim.Image))
	// Frames are composed on the logical screen, resized whole and cut
	// back to the screen, so their offsets scale with them.
	screen := image.NewRGBA(b)
	for i, f := range p.anim.Image {
		draw.Draw(screen, f.Bounds(), f, f.Bounds().Min, draw.Over)
		scaled := plan.apply(screen)
		pal := image.NewPaletted(scaled.Bounds(), f.Palette)
		draw.FloydSteinberg.Draw(pal, pal.Bounds(), scaled, scaled.Bounds().Min)
		out.Image[i] = pal
		if len(out.Disposal) > i && out.Disposal[i] == gif.DisposalBackground {
			draw.Draw(screen, f.Bounds(), image.Transparent, image.Point{}, draw.Src)
		}
	}
	ob := out.Image[0].Bounds()
	out.Config.Width, out.Config.Height = ob.Dx(), ob.Dy()
	out.Disposal = nil // each frame is now whole
	return &picture{format: p.format, anim: &out}
}
