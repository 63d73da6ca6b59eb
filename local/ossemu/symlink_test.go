package ossemu

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestSymlink: the OSS API reference's "PutSymlink" page (the target is not
// checked on creation; x-oss-meta-* become the link's metadata; an existing
// object is overwritten), "GetSymlink" (x-oss-symlink-target answers the
// target; a missing link is NoSuchKey) and "GetObject" (a GET of a link
// serves the target: its Content-Length and ETag, the link's other
// metadata), driven by aliyun-oss-go-sdk v3 in V1 and V4.
func TestSymlink(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			f := newFixture(t, time.Now(), nil)
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			const link, target = "dir/link", "dir/target a+b 中.txt"

			if _, err := b.GetSymlink(link); serviceCode(err) != "NoSuchKey" {
				t.Errorf("GetSymlink of a missing link: got %v, want NoSuchKey", err)
			}
			if err := b.PutSymlink(link, target, oss.Meta("Who", "link")); err != nil {
				t.Fatalf("PutSymlink before its target exists: %v", err)
			}
			if _, err := b.GetObject(link); serviceCode(err) != "SymlinkTargetNotExist" {
				t.Errorf("GET of a link to nothing: got %v, want SymlinkTargetNotExist", err)
			}
			if err := b.PutObject(target, strings.NewReader("target bytes"), oss.ContentType("text/plain")); err != nil {
				t.Fatal(err)
			}
			h, err := b.GetSymlink(link)
			if err != nil {
				t.Fatalf("GetSymlink: %v", err)
			}
			if got := h.Get("X-Oss-Symlink-Target"); got != target {
				t.Errorf("x-oss-symlink-target: got %q, want %q", got, target)
			}
			r, err := b.GetObject(link)
			if err != nil {
				t.Fatalf("GET through the link: %v", err)
			}
			body, _ := io.ReadAll(r)
			r.Close()
			if string(body) != "target bytes" {
				t.Errorf("GET through the link: got %q", body)
			}
			meta, err := b.GetObjectDetailedMeta(link)
			if err != nil {
				t.Fatal(err)
			}
			tmeta, err := b.GetObjectDetailedMeta(target)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string]string{
				"Content-Length": "12", "ETag": tmeta.Get("ETag"), "X-Oss-Object-Type": "Symlink", "X-Oss-Meta-Who": "link",
			} {
				if got := meta.Get(name); got != want {
					t.Errorf("HEAD of the link, %s: got %q, want %q", name, got, want)
				}
			}
			lor, err := b.ListObjects(oss.Prefix("dir/"))
			if err != nil {
				t.Fatal(err)
			}
			types := map[string]string{}
			for _, o := range lor.Objects {
				types[o.Key] = o.Type
			}
			if types[link] != "Symlink" || types[target] != "Normal" {
				t.Errorf("listed types: got %v", types)
			}
			if err := b.PutSymlink("dir/link-to-link", link); err != nil {
				t.Fatal(err)
			}
			if _, err := b.GetObjectDetailedMeta("dir/link-to-link"); serviceCode(err) != "InvalidTargetType" {
				t.Errorf("HEAD of a link to a link: got %v, want InvalidTargetType", err)
			}
			if _, err := b.GetSymlink(target); serviceCode(err) != "NotSymlink" {
				t.Errorf("GetSymlink of a normal object: got %v, want NotSymlink", err)
			}
			if err := b.PutSymlink(link, target, oss.ForbidOverWrite(true)); serviceCode(err) != "FileAlreadyExists" {
				t.Errorf("PutSymlink with x-oss-forbid-overwrite over an object: got %v, want FileAlreadyExists", err)
			}
			if err := b.PutObject(link, strings.NewReader("own bytes")); err != nil {
				t.Fatal(err)
			}
			if _, err := b.GetSymlink(link); serviceCode(err) != "NotSymlink" {
				t.Errorf("GetSymlink after PutObject replaced the link: got %v, want NotSymlink", err)
			}
		})
	}
}

// TestPutSymlinkNeedsTarget: a PutSymlink without x-oss-symlink-target is
// refused (error centre 0043-00000001) and writes nothing.
func TestPutSymlinkNeedsTarget(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	u, err := b.SignURL("k", oss.HTTPPut, 60, oss.AddParam("symlink", ""))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPut, u, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if e := ossError(t, body); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("x-oss-ec") != "0043-00000001" || e.Code != "MissingArgument" {
		t.Errorf("PutSymlink without a target: got %d %s, want 400 with EC 0043-00000001", resp.StatusCode, body)
	}
	if ok, err := b.IsObjectExist("k"); err != nil || ok {
		t.Errorf("object after the refusal: exists=%v err=%v", ok, err)
	}
}
