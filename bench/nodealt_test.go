package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ossgate/ossgate/local/ossemu"
)

// requireNodeAlt skips without node and bench/node-alt's packages, or fails
// under make test (OSSGATE_REQUIRE_ORACLE=1), which installs them.
func requireNodeAlt(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs("node-alt")
	_, errNode := exec.LookPath("node")
	_, errMods := os.Stat(filepath.Join(dir, "node_modules", "ali-oss"))
	if errNode != nil || errMods != nil {
		if os.Getenv("OSSGATE_REQUIRE_ORACLE") == "1" {
			t.Fatalf("node or bench/node-alt/node_modules missing (make deps installs them): %v %v", errNode, errMods)
		}
		t.Skip("node or bench/node-alt/node_modules missing")
	}
	return dir
}

// TestNodeAltTicketAcceptedByOSS proves that the Node alternative does the
// same job as the sign function: the form its server answers is accepted by
// the strict local OSS endpoint for a file of the declared size.
func TestNodeAltTicketAcceptedByOSS(t *testing.T) {
	dir := requireNodeAlt(t)
	f, err := NewFixture(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	oe, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: f.Region, Buckets: []string{f.Bucket}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = oe.Close() })
	oe.AddCredential(ossemu.Credential{AccessKeyID: f.AccessKeyID, AccessKeySecret: f.Secret, SecurityToken: f.SecurityToken})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: oe, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	for _, mode := range []string{"keyobject", "string"} {
		t.Run(mode, func(t *testing.T) {
			argv, env, err := NodeServer(dir, f, mode)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			node, err := StartServer(ctx, argv, env)
			if err != nil {
				t.Fatal(err)
			}
			defer node.Stop()
			fields := nodeTicket(t, f, "http://"+node.Addr)
			if got := postFile(t, "http://"+ln.Addr().String()+"/"+f.Bucket, fields, f.FileSize); got != http.StatusOK {
				t.Errorf("PostObject with the Node alternative's form: got %d, want 200", got)
			}
		})
	}
}

// nodeTicket asks the Node server for the fixture's ticket and returns its
// form fields.
func nodeTicket(t *testing.T, f Fixture, base string) map[string]string {
	t.Helper()
	tgt := f.SignTarget(base)
	req, err := tgt.Request()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Uploads []struct{ Fields map[string]string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK || len(got.Uploads) != 1 {
		t.Fatalf("POST /sign: got %d, %v, %d uploads; want 200 with one", resp.StatusCode, err, len(got.Uploads))
	}
	return got.Uploads[0].Fields
}

// postFile posts fields and a PNG-signed file of size bytes to url.
func postFile(t *testing.T, url string, fields map[string]string, size int64) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="me.png"`}, "Content-Type": {"image/png"}})
	data := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, size-8)...)
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Logf("OSS answered %s", b)
	}
	return resp.StatusCode
}
