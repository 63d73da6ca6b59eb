package sign

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/upload"
)

// hasEq reports whether conds hold ["eq", "$field", value].
func hasEq(conds []any, field, value string) bool {
	return slices.ContainsFunc(conds, func(c any) bool {
		a, ok := c.([]any)
		return ok && len(a) == 3 && a[0] == "eq" && a[1] == "$"+field && a[2] == value
	})
}

// TestTicketWritesItsKeyOnce: every ticket's policy pins
// x-oss-forbid-overwrite to true and its fields send it, so OSS stores a
// ticket's key once and answers a second post 409 FileAlreadyExists.
func TestTicketWritesItsKeyOnce(t *testing.T) {
	f := newFixture(t, nil)
	for _, p := range []struct{ profile, file string }{
		{"avatar", `{"name":"a.png","type":"image/png","size":5}`},
		{"document", `{"name":"a.pdf","type":"application/pdf","size":5}`},
		{"multi", `{"name":"a.png","type":"image/png","size":5},{"name":"b.pdf","type":"application/pdf","size":5}`},
	} {
		w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: fmt.Sprintf(`{"profile":%q,"files":[%s]}`, p.profile, p.file)})
		if w.Code != 200 {
			t.Fatalf("%s: got %d %s", p.profile, w.Code, w.Body)
		}
		for _, u := range decodeUploads(t, w.Body.Bytes()) {
			_, conds := policyDoc(t, u.Fields["policy"])
			if u.Fields["x-oss-forbid-overwrite"] != "true" || !hasEq(conds, "x-oss-forbid-overwrite", "true") {
				t.Errorf("%s ticket %s: field %q, conditions %v; want x-oss-forbid-overwrite=true sent and pinned",
					p.profile, u.Key, u.Fields["x-oss-forbid-overwrite"], conds)
			}
		}
	}
}

// TestNonImageDownloadsAsAttachment: a profile with a type that is not an
// image pins Content-Disposition: attachment, with the client's file name,
// so OSS never serves such an upload inline on the bucket's domain; an
// image-only profile gets inline, and a profile may opt into either.
func TestNonImageDownloadsAsAttachment(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Config.Profiles["inline-pdf"] = withDisposition(o.Config.Profiles["document"], "inline-pdf", "inline")
		o.Config.Profiles["attached-png"] = withDisposition(o.Config.Profiles["avatar"], "attached-png", "attachment")
	})
	tests := []struct{ profile, name, ctype, want string }{
		{"document", `report "Q3".pdf`, "application/pdf", upload.ContentDisposition("attachment", `report "Q3".pdf`)},
		{"multi", "a.png", "image/png", upload.ContentDisposition("attachment", "a.png")},
		{"tiny", "notes.txt", "text/plain", upload.ContentDisposition("attachment", "notes.txt")},
		{"avatar", "me.png", "image/png", upload.ContentDisposition("inline", "me.png")},
		{"inline-pdf", "a.pdf", "application/pdf", upload.ContentDisposition("inline", "a.pdf")},
		{"attached-png", "a.png", "image/png", upload.ContentDisposition("attachment", "a.png")},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"profile": tt.profile, "files": []map[string]any{{"name": tt.name, "type": tt.ctype, "size": 5}}})
			w := f.do(request{method: "POST", path: "/sign", authz: token(t, "alice"), body: string(body)})
			if w.Code != 200 {
				t.Fatalf("got %d %s", w.Code, w.Body)
			}
			u := decodeUploads(t, w.Body.Bytes())[0]
			_, conds := policyDoc(t, u.Fields["policy"])
			if got := u.Fields["Content-Disposition"]; got != tt.want || !hasEq(conds, "Content-Disposition", tt.want) {
				t.Errorf("field %q, conditions %v; want %q sent and pinned", got, conds, tt.want)
			}
		})
	}
}

// withDisposition returns p renamed to name, pinning disposition.
func withDisposition(p config.Profile, name, disposition string) config.Profile {
	p.Name, p.Disposition = name, disposition
	return p
}

// TestMultipartObjectServedWithDisposition: an object made by a multipart
// upload carries the Content-Disposition a form ticket pins (attachment
// for a video profile), so OSS serves it the same way.
func TestMultipartObjectServedWithDisposition(t *testing.T) {
	f := newMPFixture(t)
	size := int64(3 * mpPart)
	u := f.create(t, "alice", "video", size)
	putParts(t, u.Parts, randomBytes(size))
	if w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}}); w.Code != 200 {
		t.Fatalf("complete: %d %s", w.Code, w.Body)
	}
	h, err := f.mpBucket(t).GetObjectDetailedMeta(u.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Get("Content-Disposition"), upload.ContentDisposition("attachment", "clip 1.mp4"); got != want {
		t.Errorf("Content-Disposition: got %q, want %q", got, want)
	}
}
