package record_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// img is a small non-blank image to encode.
func img() image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		m.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	return m
}

func pngBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, img(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is a RIFF/WEBP container header with a VP8L chunk, enough for
// magic-byte detection.
func webpBytes() []byte {
	b := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	return b
}

func pdfBytes() []byte {
	return []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func textBytes() []byte {
	return []byte("this is plain text pretending to be an image\n")
}

// evRec describes one event record for payload.
type evRec struct {
	name, bucket, key, etag string
}

// payload builds an OSS trigger payload in the documented shape.
func payload(t testing.TB, recs ...evRec) []byte {
	type obj struct {
		Key  string `json:"key"`
		ETag string `json:"eTag,omitempty"`
		Size int    `json:"size"`
	}
	type rec struct {
		EventName string `json:"eventName"`
		EventTime string `json:"eventTime"`
		Region    string `json:"region"`
		OSS       struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object obj `json:"object"`
		} `json:"oss"`
	}
	var out struct {
		Events []rec `json:"events"`
	}
	for _, r := range recs {
		var e rec
		e.EventName, e.EventTime, e.Region = r.name, "2026-11-25T12:00:00.000Z", "cn-hangzhou"
		e.OSS.Bucket.Name = r.bucket
		e.OSS.Object = obj{Key: r.key, ETag: r.etag, Size: 1}
		out.Events = append(out.Events, e)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
