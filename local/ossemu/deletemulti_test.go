package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDeleteMultipleRawKeys: DeleteMultipleObjects' encoding-type=url
// encodes the keys of the answer only; the request's keys are raw (the
// DeleteMultipleObjects page of the OSS API reference; aliyun-oss-go-sdk
// oss/bucket.go DeleteObjects and alibabacloud-oss-go-sdk-v2
// oss/api_op_object.go DeleteMultipleObjects send raw keys with
// encoding-type=url and decode the answer). Deleting "a+b" must delete
// "a+b" and keep "a b"; "100%" is no escape sequence.
func TestDeleteMultipleRawKeys(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			f := newFixture(t, time.Now(), nil)
			b := sdkBucket(t, f, testAK, testSecret, "", m.opts...)
			for _, k := range []string{"a+b", "a b", "100%", "c%2Bd"} {
				if err := b.PutObject(k, strings.NewReader(k)); err != nil {
					t.Fatal(err)
				}
			}
			res, err := b.DeleteObjects([]string{"a+b", "100%", "c%2Bd"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"a+b", "100%", "c%2Bd"}, res.DeletedObjects); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			r, err := b.GetObject("a b")
			if err != nil {
				t.Fatalf("a b after deleting a+b: %v", err)
			}
			defer r.Close()
			if got, _ := io.ReadAll(r); string(got) != "a b" {
				t.Errorf("a b: got %q", got)
			}
			lr, err := b.ListObjects()
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, o := range lr.Objects {
				keys = append(keys, o.Key)
			}
			if diff := cmp.Diff([]string{"a b"}, keys); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
		})
	}
}

// TestControlCharacterKeys: keys may hold control characters XML cannot
// carry as text; the SDKs send them in DeleteMultipleObjects as character
// references ("&#x0C;", alibabacloud-oss-go-sdk-v2 oss/xml_utils.go
// escapeXml), and a listing without encoding-type=url answers them the same
// way instead of U+FFFD (alibabacloud-oss-go-sdk-v2's TestDeleteMultipleObjects
// deletes such a key).
func TestControlCharacterKeys(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	const key = "ctl/a\f\vb"
	if err := b.PutObject(key, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	_, body := signedDo(t, f, http.MethodGet, "", "prefix=ctl/", "", nil)
	if !strings.Contains(string(body), "<Key>ctl/a&#x0C;&#x0B;b</Key>") {
		t.Errorf("listing without encoding-type: got %s, want the key with character references", body)
	}
	res, err := b.DeleteObjects([]string{key})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{key}, res.DeletedObjects); diff != "" {
		t.Errorf("deleted (-want +got):\n%s", diff)
	}
	if ok, err := b.IsObjectExist(key); err != nil || ok {
		t.Errorf("after DeleteObjects: exists %v (%v)", ok, err)
	}
}

// TestDeleteMultipleRawControlCharacters: ali-oss writes a key's control
// characters raw in the DeleteMultipleObjects document (its deleteMulti
// escapes only & < > " '), and OSS deletes those keys (ali-oss 6.23.0's
// "should encode variant object keys"); the emulator reads them as the
// referenced form.
func TestDeleteMultipleRawControlCharacters(t *testing.T) {
	f := newFixture(t, time.Now(), nil)
	b := sdkBucket(t, f, testAK, testSecret, "")
	const key = "ctl/raw\x01\x07b"
	if err := b.PutObject(key, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	doc := "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>false</Quiet><Object><Key>" + key + "</Key></Object></Delete>"
	sum := md5.Sum([]byte(doc))
	resp, body := signedDo(t, f, http.MethodPost, "", "delete", doc, http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DeleteMultipleObjects with raw control characters: got %d %s", resp.StatusCode, body)
	}
	if ok, err := b.IsObjectExist(key); err != nil || ok {
		t.Errorf("after DeleteMultipleObjects: exists %v (%v)", ok, err)
	}
}
