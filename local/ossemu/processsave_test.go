package ossemu

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestProcessSave: process-and-save ("Save processed images" of the OSS
// image-processing guide; POST /key?x-oss-process with
// "x-oss-process=<actions>|sys/saveas,o_<base64>,b_<base64>"), through
// aliyun-oss-go-sdk's ProcessObject in V1 and V4: the processed image is
// stored under o in b (default: the source's bucket) and the JSON answer
// names it; a process without sys/saveas is refused and stores nothing.
func TestProcessSave(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			f := newFixture(t, time.Now(), nil)
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			if err := b.PutObject("p/src.png", bytes.NewReader(pngOf(t, 400, 200))); err != nil {
				t.Fatal(err)
			}
			enc := base64.URLEncoding.EncodeToString
			for _, c := range []struct{ name, process, wantBucket string }{
				{"object-only", "image/resize,w_100|sys/saveas,o_" + enc([]byte("p/dst 1.png")), ""},
				{"with-bucket", fmt.Sprintf("image/resize,w_100|sys/saveas,o_%s,b_%s", enc([]byte("p/dst 2.png")), enc([]byte(testBucket))), testBucket},
			} {
				res, err := b.ProcessObject("p/src.png", c.process)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if res.Bucket != c.wantBucket || res.Status != "OK" || res.FileSize <= 0 {
					t.Errorf("%s: answer %+v", c.name, res)
				}
				rc, err := b.GetObject(res.Object)
				if err != nil {
					t.Fatalf("%s: saved object: %v", c.name, err)
				}
				cfg, format, err := image.DecodeConfig(rc)
				rc.Close()
				if err != nil || format != "png" || cfg.Width != 100 || cfg.Height != 50 {
					t.Errorf("%s: saved %s %d×%d (%v), want png 100×50", c.name, format, cfg.Width, cfg.Height, err)
				}
			}
			_, err := b.ProcessObject("p/src.png", "image/resize,w_100|saveas,o_"+enc([]byte("p/dst3.png")))
			if got := serviceCode(err); got != "InvalidArgument" {
				t.Errorf("process without sys/saveas: got %v, want InvalidArgument", err)
			}
			if ok, _ := b.IsObjectExist("p/dst3.png"); ok {
				t.Error("a refused process stored its result")
			}
		})
	}
}

// TestImageFormat: x-oss-process=image/format,<f> ("Convert image formats"
// of the OSS image-processing guide) answers the image in that format,
// alone or after a resize.
func TestImageFormat(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("f/src.png", bytes.NewReader(pngOf(t, 64, 32))); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ process, want string }{
		{"image/format,jpg", "jpeg"},
		{"image/format,webp", "webp"},
		{"image/format,gif", "gif"},
		{"image/resize,w_32/format,png", "png"},
	} {
		rc, err := b.GetObject("f/src.png", oss.Process(c.process))
		if err != nil {
			t.Fatalf("%s: %v", c.process, err)
		}
		_, format, err := image.DecodeConfig(rc)
		rc.Close()
		if err != nil || format != c.want {
			t.Errorf("%s: got %q (%v), want %s", c.process, format, err, c.want)
		}
	}
	if _, err := b.GetObject("f/src.png", oss.Process("image/format,xyz")); serviceCode(err) != "InvalidArgument" {
		t.Errorf("image/format,xyz: got %v, want InvalidArgument", err)
	}
}

// TestProcessSavePercentEncoded: ali-oss sends the process-and-save body
// percent-encoded (lib/common/image/processObjectSave.js,
// querystring.stringify: "|" as %7C, "+" of base64 text as %2B); the
// result is the same as for the raw body.
func TestProcessSavePercentEncoded(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	if err := b.PutObject("p/src.png", bytes.NewReader(pngOf(t, 400, 200))); err != nil {
		t.Fatal(err)
	}
	process := "image/resize,w_100|sys/saveas,o_" + base64.URLEncoding.EncodeToString([]byte("p/enc.png"))
	body := "x-oss-process=" + url.QueryEscape(process)
	resp, out := signedDo(t, f, http.MethodPost, "p/src.png", "x-oss-process", body, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), `"object":"p/enc.png"`) {
		t.Fatalf("percent-encoded process-and-save: got %d %s", resp.StatusCode, out)
	}
	if ok, err := b.IsObjectExist("p/enc.png"); err != nil || !ok {
		t.Errorf("saved object: %v %v", ok, err)
	}
}
