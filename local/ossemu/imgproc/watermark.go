package imgproc

import (
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// watermark holds a text watermark ("Add watermarks" in the OSS
// image-processing guide: watermark,text_<URL-safe base64>, with color_
// (RRGGBB, default 000000), size_ (1–1000 px, default 40), t_ (opacity
// 0–100, default 100), g_ (nw, north, ne, west, center, east, sw, south, se;
// default se), x_ and y_ (margins 0–4096, default 10)). The emulator draws
// the text in one fixed bitmap font scaled to size_ (characters the font
// lacks are drawn as its replacement box); picture watermarks (image_) and
// the font, rotation, shadow and tiling options are not emulated.
type watermark struct {
	text    string
	color   color.RGBA
	size, t int
	gravity string
	x, y    int
}

func parseWatermark(params string) (watermark, error) {
	w := watermark{color: color.RGBA{A: 0xff}, size: 40, t: 100, gravity: "se", x: 10, y: 10}
	for _, kv := range strings.Split(params, ",") {
		if kv == "" {
			continue // "…,color_ff6a00," ends with a comma in ali-oss's own test
		}
		name, v, _ := strings.Cut(kv, "_")
		var err error
		switch name {
		case "text":
			b, derr := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(v), "="))
			if derr != nil || len(b) == 0 {
				return w, invalid("watermark text_ %q is not URL-safe base64 text", v)
			}
			w.text = string(b)
		case "color":
			w.color, err = hexColor(v)
		case "size":
			w.size, err = number("size", v, 1, 1000)
		case "t":
			w.t, err = number("t", v, 0, 100)
		case "x":
			w.x, err = number("x", v, 0, 4096)
		case "y":
			w.y, err = number("y", v, 0, 4096)
		case "g":
			switch v {
			case "nw", "north", "ne", "west", "center", "east", "sw", "south", "se":
				w.gravity = v
			default:
				err = invalid("watermark g_ %q", v)
			}
		case "image", "type", "rotate", "shadow", "fill", "padx", "pady", "voffset", "order", "align", "interval":
			return w, &Error{Status: 501, Code: "NotImplemented", Message: fmt.Sprintf("ossemu does not emulate the watermark parameter %q", name)}
		default:
			err = invalid("watermark has no parameter %q", name)
		}
		if err != nil {
			return w, err
		}
	}
	if w.text == "" {
		return w, &Error{Status: 400, Code: "MissingArgument", Message: "watermark needs text_ (picture watermarks are not emulated)"}
	}
	return w, nil
}

// apply draws the watermark on the picture (every frame of an animation).
func (w watermark) apply(p *picture) *picture {
	face := basicfont.Face7x13
	d := font.Drawer{Face: face}
	tw, th := d.MeasureString(w.text).Ceil(), face.Metrics().Height.Ceil()
	label := image.NewRGBA(image.Rect(0, 0, max(tw, 1), th))
	c := w.color
	c.A = uint8(255 * w.t / 100)
	d = font.Drawer{Dst: label, Src: image.NewUniform(c), Face: face, Dot: fixed.P(0, face.Metrics().Ascent.Ceil())}
	d.DrawString(w.text)
	scaled := image.NewRGBA(image.Rect(0, 0, max(tw*w.size/th, 1), w.size))
	draw.NearestNeighbor.Scale(scaled, scaled.Bounds(), label, label.Bounds(), draw.Src, nil)
	stamp := func(dst draw.Image) {
		b := dst.Bounds()
		at := w.origin(b, scaled.Bounds().Size())
		draw.Draw(dst, image.Rectangle{Min: at, Max: at.Add(scaled.Bounds().Size())}, scaled, image.Point{}, draw.Over)
	}
	if p.anim != nil {
		out := *p.anim
		out.Image = make([]*image.Paletted, len(p.anim.Image))
		for i, f := range p.anim.Image {
			g := image.NewPaletted(f.Bounds(), f.Palette)
			copy(g.Pix, f.Pix)
			stamp(g)
			out.Image[i] = g
		}
		return &picture{format: p.format, anim: &out}
	}
	b := p.frame.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, p.frame, b.Min, draw.Src)
	stamp(dst)
	return &picture{format: p.format, frame: dst}
}

// origin is the top-left corner of a stamp of size s placed in b by the
// gravity and margins.
func (w watermark) origin(b image.Rectangle, s image.Point) image.Point {
	x := b.Min.X + w.x
	switch w.gravity {
	case "north", "center", "south":
		x = b.Min.X + (b.Dx()-s.X)/2
	case "ne", "east", "se":
		x = b.Max.X - s.X - w.x
	}
	y := b.Min.Y + w.y
	switch w.gravity {
	case "west", "center", "east":
		y = b.Min.Y + (b.Dy()-s.Y)/2
	case "sw", "south", "se":
		y = b.Max.Y - s.Y - w.y
	}
	return image.Pt(x, y)
}
