package e2e

// The sign function end to end: the real binary under the FC
// emulator answers POST /sign over HTTP; the returned form uploads to the
// strict local OSS endpoint, and every tampered use of a ticket is refused
// with OSS's documented code.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// signSecret is a fake HS256 secret for these tests only.
const signSecret = "fake-sign-e2e-hs256-secret-0123456789abcdef"

// signProfiles: avatar as built in, flash with a 1 s expiry for the expired
// ticket test.
const signProfiles = `{"avatar":{"types":["image/png","image/jpeg"],"maxSize":5242880},
 "flash":{"types":["text/plain"],"maxSize":1024,"expiry":"1s"}}`

func signToken(user string) string { return testutil.Token(signSecret, user, 10*time.Minute) }

var signClient = &http.Client{Timeout: 10 * time.Second}

// signPost posts body to /sign with authz and returns status, headers and body.
func signPost(t *testing.T, st *stack.Stack, authz, body string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, st.SignURL+"/sign", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := signClient.Do(req)
	if err != nil {
		t.Fatalf("POST /sign: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// signFor returns user's ticket for one file.
func signFor(t *testing.T, st *stack.Stack, user, profile, ctype string, size int) testutil.Ticket {
	t.Helper()
	tk, err := testutil.AskTicket(signClient, st.SignURL, signToken(user), profile, "我的 file.bin", ctype, size)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// signUpload posts fields (in order, then extra) and data as the file to
// url; it returns the status and the OSS error code ("" on success).
func signUpload(t *testing.T, url string, fields [][2]string, ctype string, data []byte) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="f.bin"`}
	h["Content-Type"] = []string{ctype}
	fw, _ := mw.CreatePart(h)
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := signClient.Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct{ Code, Message string }
	_ = xml.Unmarshal(b, &e)
	return resp.StatusCode, e.Code, e.Message
}

// fieldsOf returns tk's fields as an ordered list with change applied:
// a name mapped to "" is dropped, others replaced or added at the end.
func fieldsOf(tk testutil.Ticket, change map[string]string) [][2]string {
	var out [][2]string
	for k, v := range tk.Fields {
		if nv, ok := change[k]; ok {
			if nv == "" {
				continue
			}
			v = nv
		}
		out = append(out, [2]string{k, v})
	}
	for k, v := range change {
		if _, ok := tk.Fields[k]; !ok && v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func TestSignE2E(t *testing.T) {
	st := startStack(t, stack.Config{
		JWTSecret: signSecret,
		SignEnv:   []string{"OSSGATE_PROFILES=" + signProfiles},
		RecordEnv: []string{"OSSGATE_FUNCTION=empty"},
	})

	t.Run("healthz", func(t *testing.T) {
		resp, err := signClient.Get(st.SignURL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != `{"status":"ok"}` {
			t.Errorf("GET /healthz: got %d %s, want 200 {\"status\":\"ok\"}", resp.StatusCode, b)
		}
	})

	t.Run("no token is 401", func(t *testing.T) {
		status, hdr, b := signPost(t, st, "", `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":3}]}`)
		var e struct {
			Error struct{ Code, RequestID string }
		}
		_ = json.Unmarshal(b, &e)
		if status != 401 || e.Error.Code != "Unauthenticated" || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("got %d %s (WWW-Authenticate %q), want 401 Unauthenticated", status, b, hdr.Get("WWW-Authenticate"))
		}
	})

	t.Run("type not allowed is 415", func(t *testing.T) {
		status, _, b := signPost(t, st, signToken("alice"), `{"profile":"avatar","files":[{"name":"a.gif","type":"image/gif","size":3}]}`)
		if status != 415 {
			t.Errorf("got %d %s, want 415", status, b)
		}
	})

	data := recPNG(1)
	tk := signFor(t, st, "alice", "avatar", "image/png", len(data))
	other := signFor(t, st, "mallory", "avatar", "image/png", len(data))
	attacks := []struct {
		name     string
		fields   [][2]string
		ctype    string
		data     []byte
		wantCode string
		wantMsg  string
	}{
		{"other key", fieldsOf(tk, map[string]string{"key": path.Dir(tk.Key) + "/evil.png"}), "image/png", data, "AccessDenied", `Policy Condition failed: ["eq", "$key"`},
		{"other content type", fieldsOf(tk, map[string]string{"Content-Type": "text/html"}), "text/html", data, "AccessDenied", `Policy Condition failed: ["eq", "$Content-Type"`},
		{"larger file", fieldsOf(tk, nil), "image/png", append(bytes.Clone(data), 'x'), "EntityTooLarge", ""},
		{"smaller file", fieldsOf(tk, nil), "image/png", data[:len(data)-1], "EntityTooSmall", ""},
		{"extra field", fieldsOf(tk, map[string]string{"x-oss-object-acl": "public-read"}), "image/png", data, "AccessDenied", "Extra input fields: x-oss-object-acl"},
		{"replay as another uploader", fieldsOf(tk, map[string]string{uploaderField(tk, "alice"): "mallory"}), "image/png", data, "AccessDenied", `Policy Condition failed: ["eq", "$` + uploaderField(tk, "alice") + `", "alice"]`},
		{"another user's ticket on alice's key", fieldsOf(other, map[string]string{"key": tk.Key}), "image/png", data, "AccessDenied", `Policy Condition failed: ["eq", "$key", "` + other.Key + `"]`},
		{"tampered policy", fieldsOf(tk, map[string]string{"policy": tk.Fields["policy"][:len(tk.Fields["policy"])-4] + "AAA="}), "image/png", data, "SignatureDoesNotMatch", ""},
		{"no security token", fieldsOf(tk, map[string]string{"x-oss-security-token": ""}), "image/png", data, "InvalidAccessKeyId", ""},
	}
	for _, a := range attacks {
		t.Run("attack/"+a.name, func(t *testing.T) {
			status, code, msg := signUpload(t, tk.URL, a.fields, a.ctype, a.data)
			if status/100 == 2 || code != a.wantCode || !strings.Contains(msg, a.wantMsg) {
				t.Errorf("got %d %s %q, want rejection %s %q", status, code, msg, a.wantCode, a.wantMsg)
			}
		})
	}

	t.Run("upload with the ticket", func(t *testing.T) {
		status, code, msg := signUpload(t, tk.URL, fieldsOf(tk, nil), "image/png", data)
		if status != 200 {
			t.Errorf("got %d %s %s, want 200 (success_action_status)", status, code, msg)
		}
	})

	t.Run("expired ticket", func(t *testing.T) {
		body := []byte("hello")
		flash := signFor(t, st, "alice", "flash", "text/plain", len(body))
		time.Sleep(2100 * time.Millisecond)
		status, code, msg := signUpload(t, flash.URL, fieldsOf(flash, nil), "text/plain", body)
		if status != 403 || code != "AccessDenied" || !strings.Contains(msg, "Policy expired") {
			t.Errorf("got %d %s %q, want 403 AccessDenied Policy expired", status, code, msg)
		}
	})
}
