package e2e

// Hardening end to end: single-use tickets and how OSS serves what they
// upload, on the whole stack.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// hardProfiles: avatar as built in (images, served inline) and doc (PDF,
// served as an attachment).
const hardProfiles = `{"avatar":{"types":["image/png","image/jpeg"],"maxSize":5242880},
 "doc":{"types":["application/pdf"],"maxSize":5242880}}`

// TestTicketPostedTwice: a ticket writes its key once.
// Posted a second time, with other bytes of the same size, OSS answers 409
// FileAlreadyExists and keeps the first bytes; the record function records
// the key once, so GET /uploads lists it once.
func TestTicketPostedTwice(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: []string{"OSSGATE_PROFILES=" + hardProfiles}})
	first, second := recPNG(1), recPNG(2)
	tk, err := testutil.AskTicket(recClient, st.SignURL, recToken("twice"), "avatar", "me.png", "image/png", len(first))
	if err != nil {
		t.Fatal(err)
	}
	if status, code, msg := signUpload(t, tk.URL, fieldsOf(tk, nil), "image/png", first); status != 200 {
		t.Fatalf("first post: got %d %s %s, want 200", status, code, msg)
	}
	if status, code, msg := signUpload(t, tk.URL, fieldsOf(tk, nil), "image/png", second); status != 409 || code != "FileAlreadyExists" {
		t.Errorf("second post of the ticket: got %d %s %s, want 409 FileAlreadyExists", status, code, msg)
	}
	key := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	if got := readObject(t, b, tk.Key); !bytes.Equal(got, first) {
		t.Errorf("object after the second post: got %q, want the first post's bytes", got)
	}
	drainRecords(t, st)
	n := 0
	for _, r := range recList(t, st, "twice") {
		if r.Key == tk.Key {
			n++
		}
	}
	if n != 1 {
		t.Errorf("GET /uploads lists %s %d times, want once", tk.Key, n)
	}
}

// TestAttachmentServedByOSS (end to end): the local OSS
// endpoint stores the Content-Disposition a ticket pins and serves it back,
// and a form that changes it is refused by the policy.
func TestAttachmentServedByOSS(t *testing.T) {
	st := startStack(t, stack.Config{JWTSecret: recSecret, Env: []string{"OSSGATE_PROFILES=" + hardProfiles}})
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	key := st.AccessKey()
	b, err := testutil.OSSBucket(st.OSSURL, st.Bucket, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ profile, name, ctype, want string }{
		{"doc", `report "Q3" 报告.pdf`, "application/pdf", `attachment; filename="report _Q3_ __.pdf"; filename*=UTF-8''report%20%22Q3%22%20%E6%8A%A5%E5%91%8A.pdf`},
		{"avatar", "me.png", "image/png", `inline; filename="me.png"; filename*=UTF-8''me.png`},
	} {
		data := pdf
		if tt.ctype == "image/png" {
			data = recPNG(3)
		}
		tk, err := testutil.AskTicket(recClient, st.SignURL, recToken("disp"), tt.profile, tt.name, tt.ctype, len(data))
		if err != nil {
			t.Fatal(err)
		}
		if status, code, _ := signUpload(t, tk.URL, fieldsOf(tk, map[string]string{"Content-Disposition": "inline"}), tt.ctype, data); status != 403 || code != "AccessDenied" {
			t.Errorf("%s: a form with Content-Disposition changed: got %d %s, want 403 AccessDenied", tt.profile, status, code)
		}
		if status, code, msg := signUpload(t, tk.URL, fieldsOf(tk, nil), tt.ctype, data); status != 200 {
			t.Fatalf("%s: post: got %d %s %s", tt.profile, status, code, msg)
		}
		meta, err := b.GetObjectDetailedMeta(tk.Key)
		if err != nil {
			t.Fatal(err)
		}
		if got := meta.Get("Content-Disposition"); got != tt.want {
			t.Errorf("%s: served Content-Disposition %q, want %q", tt.profile, got, tt.want)
		}
	}
}

// readObject returns the bytes of key in b.
func readObject(t *testing.T, b *oss.Bucket, key string) []byte {
	t.Helper()
	r, err := b.GetObject(key)
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	return data
}

// TestJWKSFetchFailureStopsSignFunction (with the real
// binary): a sign function whose key set cannot be fetched (here a 500)
// exits non-zero at start with a log line naming the URL, instead of
// starting and answering every caller 401.
func TestJWKSFetchFailureStopsSignFunction(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "key service down", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(codeDir, "ossgate"), "sign")
	cmd.Env = []string{"OSSGATE_BUCKET=b-jwks", "OSSGATE_REGION=cn-hangzhou", "OSSGATE_JWT_JWKS_URL=" + srv.URL + "/jwks.json",
		"OSSGATE_JWT_ISSUER=https://issuer.example", "OSSGATE_JWT_AUDIENCE=app", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || ctx.Err() != nil {
		t.Fatalf("ossgate sign: got %v (output %s), want a non-zero exit at start", err, out)
	}
	if s := string(out); !strings.Contains(s, "cannot start") || !strings.Contains(s, srv.URL+"/jwks.json") {
		t.Errorf("output %s: want a start-up error naming the key set URL", out)
	}
}
