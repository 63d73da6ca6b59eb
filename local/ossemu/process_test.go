package ossemu

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/signer"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImageProcess: a GET with x-oss-process=image/resize answers the
// resized image, through the Go SDK (V1 and V4) and through a V4
// presigned URL that signs the process parameter; a bad parameter is an
// OSS error.
func TestImageProcess(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	const key = "uploads/a b.png"
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject(key, bytes.NewReader(pngOf(t, 512, 256)), oss.ContentType("image/png")); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, body io.Reader) {
		t.Helper()
		cfg, format, err := image.DecodeConfig(body)
		if err != nil || format != "png" || cfg.Width != 256 || cfg.Height != 128 {
			t.Errorf("got %s %d×%d (%v), want png 256×128", format, cfg.Width, cfg.Height, err)
		}
	}
	for _, m := range authModes {
		t.Run("sdk-"+m.name, func(t *testing.T) {
			b := sdkBucket(t, f, stsAK, stsSecret, stsToken, m.opts...)
			rc, err := b.GetObject(key, oss.Process("image/resize,w_256"))
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			check(t, rc)
			_, err = b.GetObject(key, oss.Process("image/resize,w_256,m_abc"))
			if got := serviceCode(err); got != "InvalidArgument" {
				t.Errorf("bad mode: got %s, want InvalidArgument", got)
			}
		})
	}
	t.Run("presigned-v4", func(t *testing.T) {
		p, err := signer.Presign(signer.Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken},
			signer.PresignRequest{Method: "GET", Bucket: testBucket, Key: key, Expires: 5 * time.Minute,
				Query: map[string]string{"x-oss-process": "image/resize,w_256"}}, testRegion, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(f.http.URL + "/" + testBucket + "/uploads/a%20b.png?" + p.Query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			body, _ := io.ReadAll(resp.Body)
			t.Fatalf("got %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		check(t, resp.Body)
	})
	t.Run("not-an-image", func(t *testing.T) {
		if err := b.PutObject("t.txt", bytes.NewReader([]byte("hello")), oss.ContentType("text/plain")); err != nil {
			t.Fatal(err)
		}
		_, err := b.GetObject("t.txt", oss.Process("image/resize,w_256"))
		if got := serviceCode(err); got != "InvalidArgument" {
			t.Errorf("text object: got %s, want InvalidArgument", got)
		}
	})
}
