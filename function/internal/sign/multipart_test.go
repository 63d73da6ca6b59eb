package sign

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
)

// head returns what the local OSS says of key.
func (f *mpFixture) head(t *testing.T, key string) (ossclient.Head, error) {
	t.Helper()
	b, err := ossclient.FromConfig(config.OSS{Bucket: "mp-bucket", Region: "cn-hangzhou", InternalEndpoint: f.oss.URL}, nil).
		Bucket(invocation.NewContext(context.Background(), invocation.Info{Credentials: testCreds}))
	if err != nil {
		t.Fatal(err)
	}
	return ossclient.Multipart{Bucket: b}.Head(key)
}

func TestMultipartUploadEndToEnd(t *testing.T) {
	f := newMPFixture(t)
	size := int64(3*mpPart + 12345)
	data := randomBytes(size)
	before := time.Now().UTC().Truncate(time.Second)
	u := f.create(t, "alice", "video", size)
	if !strings.HasPrefix(u.Key, "uploads/video/alice/") || !strings.HasSuffix(u.Key, ".mp4") || u.UploadID == "" {
		t.Fatalf("key %q, uploadId %q: want alice's upload key", u.Key, u.UploadID)
	}
	type shape struct {
		PartSize         int64
		PartCount, Parts int
		ObjectURL        string
	}
	if diff := cmp.Diff(shape{mpPart, 4, 4, f.oss.URL + "/mp-bucket/" + u.Key}, shape{u.PartSize, u.PartCount, len(u.Parts), u.ObjectURL}); diff != "" {
		t.Fatalf("upload (-want +got):\n%s", diff)
	}
	if u.ExpiresAt.Before(before.Add(config.DefaultExpiry)) || u.ExpiresAt.After(time.Now().Add(config.DefaultExpiry)) {
		t.Errorf("expiresAt %v: want the profile's expiry, 10 minutes, from now", u.ExpiresAt)
	}
	for i, p := range u.Parts {
		base, query, _ := strings.Cut(p.URL, "?")
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatalf("part %d: URL %s: %v", i+1, p.URL, err)
		}
		type partURL struct {
			Number                                     int
			Base, PartNumber, UploadID, AdditionalHdrs string
		}
		want := partURL{i + 1, f.oss.URL + "/mp-bucket/" + u.Key, itoa(int64(i + 1)), u.UploadID, "content-length"}
		got := partURL{p.Number, base, q.Get("partNumber"), q.Get("uploadId"), q.Get("x-oss-additional-headers")}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("part %d URL (-want +got):\n%s", i+1, diff)
		}
		if want := map[string]string{"Content-Type": "application/octet-stream"}; !cmp.Equal(p.Headers, want) {
			t.Errorf("part %d headers: got %v, want %v", i+1, p.Headers, want)
		}
		if want := int64(mpPart); i == 3 && p.Size != 12345 || i < 3 && p.Size != want {
			t.Errorf("part %d: size %d", i+1, p.Size)
		}
	}
	putParts(t, u.Parts, data)
	w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}})
	if w.Code != 200 {
		t.Fatalf("complete: %d %s", w.Code, w.Body)
	}
	var done wire.CompleteResponse
	_ = json.Unmarshal(w.Body.Bytes(), &done)
	h, err := f.head(t, u.Key)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wire.CompleteResponse{Key: u.Key, ObjectURL: u.ObjectURL, Size: size, ETag: strings.Trim(h.ETag, `"`), RecordID: records.ID("mp-bucket", u.Key)}, done); diff != "" {
		t.Errorf("complete (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(done.ETag, "-4") {
		t.Errorf("etag %q: want a multipart ETag of 4 parts", done.ETag)
	}
	wantMeta := map[string]string{upload.MetaUploader: "alice", upload.MetaProfile: "video", upload.MetaFilename: "clip%201.mp4"}
	if h.Size != size || !cmp.Equal(h.Meta, wantMeta) {
		t.Errorf("object: %d bytes, meta %v; want %d, %v", h.Size, h.Meta, size, wantMeta)
	}
	var logged map[string]any
	lines := strings.Split(strings.TrimSpace(f.logs.String()), "\n")
	_ = json.Unmarshal([]byte(lines[len(lines)-1]), &logged)
	wantLogged := map[string]any{"path": "/uploads/multipart/complete", "user": "alice", "profile": "video", "status": 200.0, "keys": []any{u.Key}}
	if diff := cmp.Diff(wantLogged, map[string]any{"path": logged["path"], "user": logged["user"], "profile": logged["profile"], "status": logged["status"], "keys": logged["keys"]}); diff != "" {
		t.Errorf("log line (-want +got):\n%s", diff)
	}

	// Completing again (a retry whose answer was lost) answers the object.
	w = f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}})
	var again wire.CompleteResponse
	_ = json.Unmarshal(w.Body.Bytes(), &again)
	if w.Code != 200 || again != done {
		t.Errorf("second complete: %d %s, want 200 and %+v", w.Code, w.Body, done)
	}
	// Not so with another size: the upload was started with this one.
	w = f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "alice", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size - 1}})
	if diff := cmp.Diff(outcome{Status: 409, Code: wire.CodeUploadSizeMismatch}, outcomeOf(t, w)); diff != "" {
		t.Errorf("complete of a completed upload with another size (-want +got):\n%s", diff)
	}
}

func TestMultipartParts(t *testing.T) {
	f := newMPFixture(t)
	size := int64(250*mpPart + 1)
	u := f.create(t, "bob", "video", size)
	if diff := cmp.Diff([]int{251, MaxPartURLs, 100}, []int{u.PartCount, len(u.Parts), u.Parts[len(u.Parts)-1].Number}); diff != "" {
		t.Fatalf("create: partCount, part URLs, last part URL's number (-want +got):\n%s", diff)
	}
	ref := map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}
	with := func(parts any) map[string]any {
		m := map[string]any{"parts": parts}
		for k, v := range ref {
			m[k] = v
		}
		return m
	}
	w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "bob", json: with([]int{251, 7, 7, 120})})
	var res wire.PartsResponse
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	if w.Code != 200 || strings.Contains(w.Body.String(), `"done"`) {
		t.Fatalf("parts [251 7 7 120]: %d %s, want 200 without done", w.Code, w.Body)
	}
	type numbered struct {
		Number int
		Size   int64
	}
	var got []numbered
	for _, p := range res.Parts {
		got = append(got, numbered{p.Number, p.Size})
	}
	if diff := cmp.Diff([]numbered{{251, 1}, {7, mpPart}, {120, mpPart}}, got); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if res.PartSize != mpPart || res.PartCount != 251 {
		t.Errorf("parts: partSize %d, partCount %d; want %d, 251", res.PartSize, res.PartCount, mpPart)
	}
	data := randomBytes(size)
	putParts(t, []wire.PartURL{u.Parts[0], u.Parts[2], res.Parts[0]}, data) // parts 1, 3, 251

	// Resume: what is done, and the first 100 missing parts.
	w = f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "bob", json: ref})
	res = wire.PartsResponse{}
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	if w.Code != 200 || len(res.Parts) != 100 {
		t.Fatalf("resume: %d %.300s, want 200 with 100 part URLs", w.Code, w.Body)
	}
	type resumed struct {
		Done                   []int
		PartSize               int64
		PartCount              int
		First, Second, Hundred int
	}
	want := resumed{[]int{1, 3, 251}, mpPart, 251, 2, 4, 102}
	if diff := cmp.Diff(want, resumed{res.Done, res.PartSize, res.PartCount, res.Parts[0].Number, res.Parts[1].Number, res.Parts[99].Number}); diff != "" {
		t.Fatalf("resume (-want +got):\n%s", diff)
	}
	// Nothing done yet: done is an empty list, not absent.
	u2 := f.create(t, "bob", "video", 5)
	w = f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "bob", json: map[string]any{"key": u2.Key, "uploadId": u2.UploadID, "size": 5}})
	if !strings.Contains(w.Body.String(), `"done":[]`) {
		t.Errorf("resume with nothing done: %s, want \"done\":[]", w.Body)
	}

	many := make([]int, 101)
	for i := range many {
		many[i] = i + 1
	}
	for name, parts := range map[string]any{"none": []int{}, "101": many, "zero": []int{0}, "past the end": []int{252}, "negative": []int{-1}} {
		w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "bob", json: with(parts)})
		if diff := cmp.Diff(outcome{Status: 400, Code: wire.CodeInvalidParts}, outcomeOf(t, w)); diff != "" {
			t.Errorf("parts %s (-want +got):\n%s", name, diff)
		}
	}
	w = f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "bob", json: with([]float64{1.5})})
	if diff := cmp.Diff(outcome{Status: 400, Code: wire.CodeInvalidJSON}, outcomeOf(t, w)); diff != "" {
		t.Errorf("parts [1.5] (-want +got):\n%s", diff)
	}
}

// TestMultipartCompleteChecksTheSchedule: a missing part is PartsMissing,
// and the upload stays resumable: the part sent, the complete succeeds.
func TestMultipartCompleteChecksTheSchedule(t *testing.T) {
	f := newMPFixture(t)
	size := int64(4 * mpPart)
	data := randomBytes(size)
	u := f.create(t, "carol", "video", size)
	putParts(t, []wire.PartURL{u.Parts[0], u.Parts[3]}, data)
	ref := map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}
	w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "carol", json: ref})
	e := errorOf(t, w).Error
	if diff := cmp.Diff(outcome{Status: 409, Code: wire.CodePartsMissing}, outcomeOf(t, w)); diff != "" {
		t.Fatalf("complete with parts 2 and 3 missing (-want +got):\n%s", diff)
	}
	if !cmp.Equal(e.Missing, []int{2, 3}) || !strings.Contains(e.Message, "2 of 4 parts are missing") {
		t.Errorf("complete with parts 2 and 3 missing: missing %v, message %q", e.Missing, e.Message)
	}
	// Another size is refused before OSS is asked (the key states the
	// upload's size); the stored parts against another size's schedule
	// are TestScheduleCheck's.
	for _, other := range []int64{size - 1, 3 * mpPart} {
		w = f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "carol", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": other}})
		if diff := cmp.Diff(outcome{Status: 409, Code: wire.CodeUploadSizeMismatch}, outcomeOf(t, w)); diff != "" {
			t.Errorf("complete with size %d (-want +got):\n%s", other, diff)
		}
	}
	putParts(t, u.Parts[1:3], data)
	if w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "carol", json: ref}); w.Code != 200 {
		t.Fatalf("complete once every part is there: %d %s", w.Code, w.Body)
	}
}

// TestMultipartOSSRefusesOtherParts: a part URL pins the part's size and
// Content-Type, and stops working when it expires.
func TestMultipartOSSRefusesOtherParts(t *testing.T) {
	f := newMPFixture(t)
	u := f.create(t, "dave", "video", 3*mpPart)
	p := u.Parts[0]
	for name, tc := range map[string]struct {
		body    []byte
		headers map[string]string
	}{
		"one byte short":     {randomBytes(mpPart - 1), nil},
		"one byte more":      {randomBytes(mpPart + 1), nil},
		"other Content-Type": {randomBytes(mpPart), map[string]string{"Content-Type": "application/json"}},
		"no Content-Type":    {randomBytes(mpPart), map[string]string{}},
	} {
		if status, body := put(t, p, tc.body, tc.headers); status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
			t.Errorf("%s: %d %s, want 403 SignatureDoesNotMatch", name, status, body)
		}
	}

	f.h.o.Now = func() time.Time { return time.Now().Add(-time.Hour) } // URLs signed an hour ago
	w := f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "dave", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 3 * mpPart, "parts": []int{1}}})
	var res wire.PartsResponse
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	if status, body := put(t, res.Parts[0], randomBytes(mpPart), nil); status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") || !strings.Contains(body, "expired") {
		t.Errorf("expired URL: %d %s, want 403 AccessDenied, expired", status, body)
	}
	f.h.o.Now = time.Now
	short := f.create(t, "dave", "short", 3*mpPart)
	if d := time.Until(short.ExpiresAt); d > 2*time.Second {
		t.Errorf("profile expiry 2s: part URLs expire in %v", d)
	}
}

func TestMultipartAbort(t *testing.T) {
	f := newMPFixture(t)
	for _, how := range []string{"body", "query"} {
		t.Run(how, func(t *testing.T) {
			u := f.create(t, "erin", "video", 3*mpPart)
			putParts(t, u.Parts[:1], randomBytes(3*mpPart))
			var w = f.do(request{method: "DELETE", path: "/uploads/multipart", user: "mallory", json: map[string]any{"key": u.Key, "uploadId": u.UploadID}})
			if e := errorOf(t, w); w.Code != 403 || e.Error.Code != wire.CodeForbidden {
				t.Fatalf("abort by another user: %d %s, want 403 Forbidden", w.Code, w.Body)
			}
			path, body := "/uploads/multipart", `{"key":"`+u.Key+`","uploadId":"`+u.UploadID+`"}`
			if how == "query" {
				path, body = path+"?"+url.Values{"key": {u.Key}, "uploadId": {u.UploadID}}.Encode(), ""
			}
			w = f.do(request{method: "DELETE", path: path, authz: token(t, "erin"), body: body})
			if w.Code != 204 || w.Body.Len() != 0 {
				t.Fatalf("abort: %d %q, want 204 and no body", w.Code, w.Body)
			}
			if !strings.Contains(f.logs.String(), `"method":"DELETE","path":"/uploads/multipart","status":204`) {
				t.Errorf("no log line of the abort with status 204")
			}
			w = f.do(request{method: "DELETE", path: path, authz: token(t, "erin"), body: body})
			if e := errorOf(t, w); w.Code != 404 || e.Error.Code != wire.CodeNoSuchUpload {
				t.Errorf("abort again: %d %s, want 404 NoSuchUpload", w.Code, w.Body)
			}
			w = f.do(request{method: "POST", path: "/uploads/multipart/parts", user: "erin", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": 3 * mpPart}})
			if e := errorOf(t, w); w.Code != 404 || e.Error.Code != wire.CodeNoSuchUpload {
				t.Errorf("resume an aborted upload: %d %s, want 404 NoSuchUpload", w.Code, w.Body)
			}
		})
	}
}

// TestMultipartCompletesRacing: completes racing for one upload make one
// object; each answer is that object, NoSuchUpload (the upload is gone, and
// the object not there yet) or PartsMissing (another complete holds the
// parts).
func TestMultipartCompletesRacing(t *testing.T) {
	f := newMPFixture(t)
	size := int64(3 * mpPart)
	u := f.create(t, "frank", "video", size)
	putParts(t, u.Parts, randomBytes(size))
	var wg sync.WaitGroup
	answers := make([]string, 6)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "frank", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}})
			answers[i] = itoa(int64(w.Code))
			if w.Code != 200 {
				answers[i] += " " + errorOf(t, w).Error.Code
			}
		}()
	}
	wg.Wait()
	ok := 0
	for _, a := range answers {
		switch a {
		case "200":
			ok++
		case "404 " + wire.CodeNoSuchUpload, "409 " + wire.CodePartsMissing:
		default:
			t.Errorf("answer %s, want 200, 404 NoSuchUpload or 409 PartsMissing", a)
		}
	}
	if ok == 0 {
		t.Errorf("answers %v: none completed", answers)
	}
	if h, err := f.head(t, u.Key); err != nil || h.Size != size {
		t.Errorf("object: %+v, %v", h, err)
	}
}

// TestMultipartSizeCannotChangeAfterAdmission: an upload started (and
// admitted against a 1 MiB daily quota) at 1,000 bytes refuses /parts and
// /complete with 5 MiB (409 UploadSizeMismatch, naming the size it was
// started with), completes at 1,000 bytes, and GET /quota shows 1,000
// bytes used.
func TestMultipartSizeCannotChangeAfterAdmission(t *testing.T) {
	f := newMPFixture(t)
	const size, claimed = 1000, 5 << 20
	u := f.create(t, "mallory", "metered", size)
	for _, tt := range []struct {
		path string
		body map[string]any
	}{
		{"/uploads/multipart/parts", map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": claimed}},
		{"/uploads/multipart/parts", map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": claimed, "parts": []int{1, 2, 52}}},
		{"/uploads/multipart/complete", map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": claimed}},
	} {
		w := f.do(request{method: "POST", path: tt.path, user: "mallory", json: tt.body})
		if diff := cmp.Diff(outcome{Status: 409, Code: wire.CodeUploadSizeMismatch}, outcomeOf(t, w)); diff != "" {
			t.Errorf("%s %v (-want +got):\n%s", tt.path, tt.body, diff)
		}
		if got := errorOf(t, w).Error.Size; got != size {
			t.Errorf("%s: error size %d, want the size the upload was started with, %d", tt.path, got, size)
		}
	}
	putParts(t, u.Parts, randomBytes(size))
	w := f.do(request{method: "POST", path: "/uploads/multipart/complete", user: "mallory", json: map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": size}})
	if w.Code != 200 {
		t.Fatalf("complete at the size it was started with: %d %s", w.Code, w.Body)
	}
	if h, err := f.head(t, u.Key); err != nil || h.Size != size {
		t.Errorf("object: %+v, %v; want %d bytes", h, err, size)
	}
	var q quotaSeen
	w = f.do(request{method: "GET", path: "/quota?profile=metered", user: "mallory"})
	if err := json.Unmarshal(w.Body.Bytes(), &q); err != nil || w.Code != 200 {
		t.Fatalf("GET /quota: %d %s", w.Code, w.Body)
	}
	if q.Used.Bytes != size {
		t.Errorf("GET /quota: used %d bytes, want %d", q.Used.Bytes, size)
	}
}
