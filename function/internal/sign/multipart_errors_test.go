package sign

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/wire"
)

func TestSignAnswersMultipartRequired(t *testing.T) {
	f := newMPFixture(t)
	tests := []struct {
		name, body string
		status     int
	}{
		{"below the threshold", `{"profile":"video","files":[{"name":"a.mp4","type":"video/mp4","size":307199}]}`, 200},
		{"at the threshold", `{"profile":"video","files":[{"name":"a.mp4","type":"video/mp4","size":307200}]}`, 400},
		{"one file of several", `{"profile":"photo","files":[{"name":"a.png","type":"image/png","size":5}]}`, 200},
		{"a profile without multipart, at its maxSize", `{"profile":"photo","files":[{"name":"a.png","type":"image/png","size":1048576}]}`, 200},
		{"default threshold: twice the part size", `{"profile":"big","files":[{"name":"a.mp4","type":"video/mp4","size":204800}]}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: tt.body})
			if w.Code != tt.status {
				t.Fatalf("got %d %s, want %d", w.Code, w.Body, tt.status)
			}
			if tt.status != 400 {
				return
			}
			var body map[string]map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			e := body["error"]
			if msg, _ := e["message"].(string); !strings.Contains(msg, "/uploads/multipart") || e["requestId"] == "" || e["threshold"] == nil {
				t.Errorf("error: %v, want a message naming /uploads/multipart, a requestId and the threshold", e)
			}
			want := map[string]any{"code": wire.CodeMultipartRequired, "partSize": float64(mpPart)}
			if diff := cmp.Diff(want, map[string]any{"code": e["code"], "partSize": e["partSize"]}); diff != "" {
				t.Errorf("error fields (-want +got):\n%s", diff)
			}
		})
	}
	// Every other error keeps the plain shape.
	w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: `{"profile":"nope","files":[]}`})
	var plain map[string]map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &plain)
	if len(plain["error"]) != 3 {
		t.Errorf("UnknownProfile error: %v, want code, message and requestId only", plain["error"])
	}
}

func TestMultipartRefusals(t *testing.T) {
	f := newMPFixture(t)
	u := f.create(t, "alice", "video", 3*mpPart)
	photoKey := strings.Replace(u.Key, "/video/", "/photo/", 1)
	create := func(profile, name, typ string, size int64) map[string]any {
		return map[string]any{"profile": profile, "file": map[string]any{"name": name, "type": typ, "size": size}}
	}
	ref := func(key, id string, size int64) map[string]any {
		return map[string]any{"key": key, "uploadId": id, "size": size}
	}
	tests := []struct {
		name, method, path, user string
		body                     any
		status                   int
		code, message            string
	}{
		{"profile without multipart", "POST", "/uploads/multipart", "alice", create("photo", "a.png", "image/png", 5), 400, wire.CodeMultipartNotAllowed, "form uploads only"},
		{"unknown profile", "POST", "/uploads/multipart", "alice", create("nope", "a.mp4", "video/mp4", 5), 400, wire.CodeUnknownProfile, ""},
		{"no profile", "POST", "/uploads/multipart", "alice", map[string]any{"file": map[string]any{"name": "a", "type": "video/mp4", "size": 5}}, 400, wire.CodeProfileRequired, ""},
		{"no file", "POST", "/uploads/multipart", "alice", map[string]any{"profile": "video"}, 400, wire.CodeInvalidFileName, "file: name"},
		{"bad type", "POST", "/uploads/multipart", "alice", create("video", "a.mp4", "video/webm", 5), 415, wire.CodeUnsupportedType, "file: type"},
		{"too large", "POST", "/uploads/multipart", "alice", create("video", "a.mp4", "video/mp4", 104857601), 413, wire.CodeFileTooLarge, "file: size"},
		{"no size", "POST", "/uploads/multipart", "alice", create("video", "a.mp4", "video/mp4", 0), 400, wire.CodeInvalidSize, ""},
		{"unknown field", "POST", "/uploads/multipart", "alice", map[string]any{"profile": "video", "files": []any{}}, 400, wire.CodeInvalidJSON, ""},
		{"parts: another user", "POST", "/uploads/multipart/parts", "bob", ref(u.Key, u.UploadID, 3*mpPart), 403, wire.CodeForbidden, "another user"},
		{"complete: another user", "POST", "/uploads/multipart/complete", "bob", ref(u.Key, u.UploadID, 3*mpPart), 403, wire.CodeForbidden, "another user"},
		{"parts: not an upload key", "POST", "/uploads/multipart/parts", "alice", ref("records/alice/x.json", u.UploadID, 5), 400, wire.CodeInvalidUpload, "not an upload key"},
		{"parts: a profile without multipart", "POST", "/uploads/multipart/parts", "alice", ref(photoKey, u.UploadID, 5), 400, wire.CodeInvalidUpload, "no multipart"},
		{"parts: bad upload id", "POST", "/uploads/multipart/parts", "alice", ref(u.Key, "../x", 5), 400, wire.CodeInvalidUpload, "uploadId"},
		{"parts: no key", "POST", "/uploads/multipart/parts", "alice", ref("", u.UploadID, 5), 400, wire.CodeInvalidUpload, "required"},
		{"parts: unknown upload id", "POST", "/uploads/multipart/parts", "alice", ref(u.Key, "0123456789ABCDEF0123456789ABCDEF", 3*mpPart), 404, wire.CodeNoSuchUpload, ""},
		{"complete: unknown upload id", "POST", "/uploads/multipart/complete", "alice", ref(u.Key, "0123456789ABCDEF0123456789ABCDEF", 3*mpPart), 404, wire.CodeNoSuchUpload, ""},
		{"parts: size over the profile's", "POST", "/uploads/multipart/parts", "alice", ref(u.Key, u.UploadID, 104857601), 413, wire.CodeFileTooLarge, ""},
		{"complete: no size", "POST", "/uploads/multipart/complete", "alice", ref(u.Key, u.UploadID, 0), 400, wire.CodeInvalidSize, ""},
		{"abort: no key or upload id", "DELETE", "/uploads/multipart", "alice", nil, 400, wire.CodeInvalidUpload, "required"},
		{"abort: unknown field", "DELETE", "/uploads/multipart", "alice", map[string]any{"key": u.Key, "uploadId": u.UploadID, "x": 1}, 400, wire.CodeInvalidJSON, ""},
		{"GET", "GET", "/uploads/multipart", "alice", nil, 405, wire.CodeMethodNotAllowed, "DELETE, POST, OPTIONS"},
		{"DELETE on complete", "DELETE", "/uploads/multipart/complete", "alice", nil, 405, wire.CodeMethodNotAllowed, "POST, OPTIONS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w = f.do(request{method: tt.method, path: tt.path, authz: token(t, tt.user)})
			if tt.body != nil {
				w = f.do(request{method: tt.method, path: tt.path, user: tt.user, json: tt.body})
			}
			if diff := cmp.Diff(outcome{Status: tt.status, Code: tt.code}, outcomeOf(t, w)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if msg := errorOf(t, w).Error.Message; !strings.Contains(msg, tt.message) {
				t.Errorf("message %q, want it to mention %q", msg, tt.message)
			}
		})
	}
	if w := f.do(request{method: "POST", path: "/uploads/multipart", body: `{}`}); w.Code != 401 {
		t.Errorf("no token: got %d, want 401", w.Code)
	}
	w := f.do(request{method: "POST", path: "/uploads/multipart", authz: token(t, "alice"), body: `{"profile":"video","file":{"name":"a.mp4","type":"video/mp4","size":5}}`, noCreds: true})
	if e := errorOf(t, w); w.Code != 503 || e.Error.Code != wire.CodeNoCredentials {
		t.Errorf("no credentials: got %d %s, want 503 NoCredentials", w.Code, w.Body)
	}
}

// TestMultipartNoCredentialsForOSS: the OSS calls' own credentials missing
// is a 503 too.
func TestMultipartNoCredentialsForOSS(t *testing.T) {
	f := newMPFixture(t)
	f.h.o.Fallback = fixedCreds{testCreds}
	w := f.do(request{method: "POST", path: "/uploads/multipart", authz: token(t, "alice"), body: `{"profile":"video","file":{"name":"a.mp4","type":"video/mp4","size":5}}`, noCreds: true})
	if e := errorOf(t, w); w.Code != 503 || e.Error.Code != wire.CodeNoCredentials {
		t.Errorf("got %d %s, want 503 NoCredentials", w.Code, w.Body)
	}
}

// fixedCreds is a fallback that always has c.
type fixedCreds struct{ c creds.Credentials }

func (f fixedCreds) Credentials(context.Context) (creds.Credentials, error) { return f.c, nil }
