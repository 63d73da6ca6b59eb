package imgproc

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
)

// plan is the geometry of one resize: scale the source to scaled, then
// cut (fill) or pad (pad) it to canvas.
type plan struct {
	scaled, canvas image.Point
	pad            bool
	color          color.RGBA
}

// plan computes the geometry of r for a sw × sh source, following the
// documented rules: w/h make the box (one of them alone keeps the aspect
// ratio for lfit, mfit and fixed, and makes a square for fill and pad);
// without them l/s give the longer/shorter side; without those p is a
// percentage. With limit (the default), and always for GIF, a result
// larger than the source keeps the source's size.
func (r resize) plan(sw, sh int, isGIF bool) plan {
	id := plan{scaled: image.Pt(sw, sh), canvas: image.Pt(sw, sh)}
	if r.w == 0 && r.h == 0 && r.l == 0 && r.s == 0 {
		pw, ph := side(float64(sw)*float64(r.p)/100), side(float64(sh)*float64(r.p)/100)
		if (r.limit || isGIF) && (pw > sw || ph > sh) {
			return id
		}
		return plan{scaled: image.Pt(pw, ph), canvas: image.Pt(pw, ph)}
	}
	bw, bh := r.box(sw, sh)
	fw, fh := float64(bw)/float64(sw), float64(bh)/float64(sh)
	var scale float64
	switch r.mode {
	case "mfit", "fill":
		scale = math.Max(fw, fh)
	default: // lfit, pad
		scale = math.Min(fw, fh)
	}
	p := plan{scaled: image.Pt(side(float64(sw)*scale), side(float64(sh)*scale)), canvas: image.Pt(bw, bh), color: r.color}
	switch r.mode {
	case "fixed":
		p.scaled = p.canvas
	case "lfit", "mfit":
		p.canvas = p.scaled
	case "pad":
		p.pad = true
	}
	if (r.limit || isGIF) && (p.scaled.X > sw || p.scaled.Y > sh) {
		return id
	}
	return p
}

// box returns the target rectangle of r for a sw × sh source.
func (r resize) box(sw, sh int) (int, int) {
	square := r.mode == "fill" || r.mode == "pad"
	w, h := r.w, r.h
	if w == 0 && h == 0 { // l and s name the source's longer and shorter side
		long, short := r.l, r.s
		switch {
		case long != 0 && short != 0:
		case square:
			long, short = max(long, short), max(long, short)
		case long != 0:
			short = side(float64(long) * float64(min(sw, sh)) / float64(max(sw, sh)))
		default:
			long = side(float64(short) * float64(max(sw, sh)) / float64(min(sw, sh)))
		}
		if sw >= sh {
			return long, short
		}
		return short, long
	}
	switch {
	case w != 0 && h != 0:
	case square && w != 0:
		h = w
	case square:
		w = h
	case w != 0:
		h = side(float64(w) * float64(sh) / float64(sw))
	default:
		w = side(float64(h) * float64(sw) / float64(sh))
	}
	return w, h
}

// side rounds a computed side to whole pixels within 1..MaxTargetSide.
func side(v float64) int {
	return min(max(int(math.Round(v)), 1), MaxTargetSide)
}

// apply scales src by the plan and cuts or pads it to the canvas.
func (p plan) apply(src image.Image) image.Image {
	b := src.Bounds()
	if p.scaled == b.Size() && p.canvas == b.Size() {
		return src
	}
	scaled := image.NewRGBA(image.Rectangle{Max: p.scaled})
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), src, b, draw.Src, nil)
	if p.canvas == p.scaled {
		return scaled
	}
	out := image.NewRGBA(image.Rectangle{Max: p.canvas})
	if p.pad {
		draw.Draw(out, out.Bounds(), &image.Uniform{C: p.color}, image.Point{}, draw.Src)
	}
	// Centre the scaled image on the canvas: pad leaves a margin, fill cuts
	// the overflow.
	off := p.canvas.Sub(p.scaled).Div(2)
	draw.Draw(out, scaled.Bounds().Add(off), scaled, image.Point{}, draw.Over)
	return out
}
