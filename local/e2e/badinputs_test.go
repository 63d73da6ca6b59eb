package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/stack"
)

// outcome is what the stack answered one bad input: the HTTP status and the
// error code (the JSON error code of the sign function, the XML Code of the
// OSS endpoint), or for accepted hostile values what was made of them.
type outcome struct {
	Status int
	Code   string
}

func (o outcome) String() string { return fmt.Sprintf("%d %s", o.Status, o.Code) }

// badInput is one hostile or broken request and the outcome it must get.
type badInput struct {
	group, name string
	try         func(t *testing.T, st *stack.Stack) outcome
	want        outcome
}

// signRaw posts body to /sign with authz ("" = none) and returns the status
// and the error code (or, for 200, "ok: " plus check's verdict).
func signRaw(t *testing.T, st *stack.Stack, authz, body string, check func(testutil.Ticket) string) outcome {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, st.SignURL+"/sign", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST /sign: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		var res struct{ Uploads []testutil.Ticket }
		if err := json.Unmarshal(b, &res); err != nil || len(res.Uploads) != 1 || check == nil {
			return outcome{resp.StatusCode, "unexpected success"}
		}
		return outcome{resp.StatusCode, check(res.Uploads[0])}
	}
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal(b, &e)
	return outcome{resp.StatusCode, e.Error.Code}
}

// fileBody is a /sign request body for one file.
func fileBody(name, ctype string, size int64) string {
	b, _ := json.Marshal(map[string]any{"profile": "avatar", "files": []map[string]any{{"name": name, "type": ctype, "size": size}}})
	return string(b)
}

// tokenWith signs claims with key and method (jwt.SigningMethodNone needs
// jwt.UnsafeAllowNoneSignatureType as key).
func tokenWith(t *testing.T, m jwt.SigningMethod, claims jwt.Claims, key any) string {
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

// postRaw sends a prepared multipart body to url and returns status and the
// OSS XML error code.
func postRaw(t *testing.T, url, ctype string, body []byte) outcome {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct{ Code string }
	_ = xml.Unmarshal(b, &e)
	return outcome{resp.StatusCode, e.Code}
}

// form encodes fields (after change: "" drops a field) then the file, or
// the file first when fileFirst; it returns content type and body.
func form(tk testutil.Ticket, change map[string]string, data []byte, fileFirst bool) (string, []byte) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	file := func() {
		fw, _ := mw.CreatePart(map[string][]string{
			"Content-Disposition": {`form-data; name="file"; filename="f.png"`}, "Content-Type": {"image/png"}})
		_, _ = fw.Write(data)
	}
	if fileFirst {
		file()
	}
	for k, v := range tk.Fields {
		if nv, ok := change[k]; ok {
			v = nv
		}
		if v != "" {
			_ = mw.WriteField(k, v)
		}
	}
	for k, v := range change {
		if _, ok := tk.Fields[k]; !ok {
			_ = mw.WriteField(k, v)
		}
	}
	if !fileFirst {
		file()
	}
	_ = mw.Close()
	return mw.FormDataContentType(), body.Bytes()
}

// writeBadInputsTable writes the README table of cases and observed outcomes
// to the file named by OSSGATE_BADINPUTS_MD, when set.
func writeBadInputsTable(t *testing.T, cases []badInput, got []outcome) {
	path := os.Getenv("OSSGATE_BADINPUTS_MD")
	if path == "" {
		return
	}
	var b strings.Builder
	b.WriteString("| input | tried | answered by | outcome |\n|---|---|---|---|\n")
	for i, c := range cases {
		by := "sign function"
		if strings.HasPrefix(c.name, "form") {
			by = "OSS endpoint (PostObject)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.group, c.name, by, strings.ReplaceAll(got[i].String(), "|", "\\|"))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}

// uploaderField is the name of tk's field that holds user: the uploader
// metadata the policy pins.
func uploaderField(tk testutil.Ticket, user string) string {
	for k, v := range tk.Fields {
		if v == user {
			return k
		}
	}
	return "(no field holds " + user + ")"
}

// noChange posts a ticket's fields as they are.
func noChange(testutil.Ticket) map[string]string { return nil }

// badInputs is every bad input tried against the stack. Accepted hostile
// values (a 200) are checked by a verdict function: "ok: ..." says what was
// made safe.
func badInputs() []badInput {
	valid := func() string { return relToken("user-1") }
	now := time.Now()
	okFile := fileBody("a.png", "image/png", 100)
	sign := func(authz func() string, body string, check func(testutil.Ticket) string) func(*testing.T, *stack.Stack) outcome {
		return func(t *testing.T, st *stack.Stack) outcome { return signRaw(t, st, authz(), body, check) }
	}
	safeKey := func(tk testutil.Ticket) string {
		if strings.Contains("/"+tk.Key+"/", "/../") || !strings.HasPrefix(tk.Key, stack.UploadPrefix+"/") || !strings.HasSuffix(tk.Key, ".png") {
			return "UNSAFE key " + tk.Key
		}
		return "ok: key stays under the upload prefix, .png from the type"
	}
	// safeMeta finds the field carrying the file name (the one that
	// URL-unescapes to it) and wants it free of markup and line breaks.
	safeMeta := func(name string) func(testutil.Ticket) string {
		return func(tk testutil.Ticket) string {
			for _, v := range tk.Fields {
				if u, err := url.PathUnescape(v); err == nil && u == name && v != name {
					if strings.ContainsAny(v, "<>\"\r\n\x00/") {
						return "UNSAFE file name field " + v
					}
					return safeKey(tk) + "; file name only URL-escaped in its metadata field"
				}
			}
			return "UNSAFE: no URL-escaped file name field"
		}
	}
	with := func(claims jwt.Claims, m jwt.SigningMethod, key any) func(*testing.T, *stack.Stack) outcome {
		return func(t *testing.T, st *stack.Stack) outcome {
			return signRaw(t, st, tokenWith(t, m, claims, key), okFile, nil)
		}
	}
	exp := jwt.NewNumericDate(now.Add(time.Hour))
	// upload posts user-1's ticket for a.png with the fields change(tk)
	// returns changed ("" drops a field).
	upload := func(change func(testutil.Ticket) map[string]string, extra int, fileFirst, truncate bool) func(*testing.T, *stack.Stack) outcome {
		return func(t *testing.T, st *stack.Stack) outcome {
			data := pngFile(1)
			tk, err := testutil.AskTicket(http.DefaultClient, st.SignURL, valid(), "avatar", "a.png", "image/png", len(data))
			if err != nil {
				t.Fatal(err)
			}
			ctype, body := form(tk, change(tk), append(data, bytes.Repeat([]byte{0}, extra)...), fileFirst)
			if truncate {
				body = body[:len(body)-40]
			}
			return postRaw(t, tk.URL, ctype, body)
		}
	}
	return []badInput{
		{"malformed JSON", "body cut off: `{\"profile\":\"avatar\",\"files\":[`", sign(valid, `{"profile":"avatar","files":[`, nil), outcome{400, "InvalidJSON"}},
		{"malformed JSON", "wrong shapes: `{\"profile\":[1],\"files\":\"x\"}`", sign(valid, `{"profile":[1],"files":"x"}`, nil), outcome{400, "InvalidJSON"}},
		{"malformed JSON", "a second JSON value after the object", sign(valid, okFile+`{"profile":"avatar"}`, nil), outcome{400, "InvalidJSON"}},
		{"malformed JSON", "empty body", sign(valid, ``, nil), outcome{400, "InvalidJSON"}},
		{"oversized body", "1 MiB JSON body (limit 64 KiB)", sign(valid, `{"profile":"`+strings.Repeat("a", 1<<20)+`"}`, nil), outcome{413, "BodyTooLarge"}},
		{"oversized body", "declared size 2^60 bytes", sign(valid, fileBody("a.png", "image/png", 1<<60), nil), outcome{413, "FileTooLarge"}},
		{"oversized body", "negative declared size", sign(valid, fileBody("a.png", "image/png", -1), nil), outcome{400, "InvalidSize"}},
		{"oversized body", "2 files where the profile allows 1", sign(valid, `{"profile":"avatar","files":[{"name":"a.png","type":"image/png","size":1},{"name":"b.png","type":"image/png","size":1}]}`, nil), outcome{400, "TooManyFiles"}},
		{"bad request", "type `text/html` declared", sign(valid, fileBody("a.html", "text/html", 10), nil), outcome{415, "UnsupportedType"}},
		{"bad request", "profile `../../etc`", sign(valid, `{"profile":"../../etc","files":[{"name":"a.png","type":"image/png","size":1}]}`, nil), outcome{400, "UnknownProfile"}},
		{"invalid JWT", "no Authorization header", sign(func() string { return "" }, okFile, nil), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "`Bearer not.a.jwt`", sign(func() string { return "Bearer not.a.jwt" }, okFile, nil), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "`Basic` scheme", sign(func() string { return "Basic dXNlcjpwYXNz" }, okFile, nil), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "valid for ten years (`exp − iat` over the 24 h maximum)", with(jwt.RegisteredClaims{Subject: "u", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.AddDate(10, 0, 0))}, jwt.SigningMethodHS256, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "no iat claim", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: exp}, jwt.SigningMethodHS256, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "expired an hour ago", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: jwt.NewNumericDate(now.Add(-time.Hour))}, jwt.SigningMethodHS256, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "not valid before an hour from now", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: exp, NotBefore: jwt.NewNumericDate(now.Add(time.Hour))}, jwt.SigningMethodHS256, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "no exp claim", with(jwt.RegisteredClaims{Subject: "u"}, jwt.SigningMethodHS256, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "signed with another secret", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: exp}, jwt.SigningMethodHS256, []byte("another-secret-of-32-bytes-or-more-0123")), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "`alg: none`", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: exp}, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType), outcome{401, "Unauthenticated"}},
		{"invalid JWT", "HS384 with the right secret", with(jwt.RegisteredClaims{Subject: "u", ExpiresAt: exp}, jwt.SigningMethodHS384, []byte(relSecret)), outcome{401, "Unauthenticated"}},
		{"hostile key", "JWT sub `../../admin/x`", sign(func() string { return relToken("../../admin/x") }, okFile, safeKey), outcome{200, "ok: key stays under the upload prefix, .png from the type"}},
		{"hostile key", "file name `../../../etc/passwd.png`", sign(valid, fileBody("../../../etc/passwd.png", "image/png", 10), safeMeta("../../../etc/passwd.png")), outcome{200, "ok: key stays under the upload prefix, .png from the type; file name only URL-escaped in its metadata field"}},
		{"hostile metadata", "file name `\"><script>x</script>.png`", sign(valid, fileBody(`"><script>x</script>.png`, "image/png", 10), safeMeta(`"><script>x</script>.png`)), outcome{200, "ok: key stays under the upload prefix, .png from the type; file name only URL-escaped in its metadata field"}},
		{"hostile metadata", "file name with CR LF and NUL", sign(valid, fileBody("a\r\nuploader: root\x00.png", "image/png", 10), nil), outcome{400, "InvalidFileName"}},
		{"hostile metadata", "file name of 5,000 characters", sign(valid, fileBody(strings.Repeat("é", 5000)+".png", "image/png", 10), nil), outcome{400, "InvalidFileName"}},
		{"hostile key", "form posted with `key` changed to another key under the upload prefix", upload(func(testutil.Ticket) map[string]string {
			return map[string]string{"key": stack.UploadPrefix + "/x.png"}
		}, 0, false, false), outcome{403, "AccessDenied"}},
		{"hostile metadata", "form posted with the uploader field changed to `user-2`", upload(func(tk testutil.Ticket) map[string]string {
			return map[string]string{uploaderField(tk, "user-1"): "user-2"}
		}, 0, false, false), outcome{403, "AccessDenied"}},
		{"hostile metadata", "form posted with an extra `x-oss-meta-admin` field", upload(func(testutil.Ticket) map[string]string {
			return map[string]string{"x-oss-meta-admin": "true"}
		}, 0, false, false), outcome{403, "AccessDenied"}},
		{"oversized body", "form posted with 1 KiB more than the signed size", upload(noChange, 1024, false, false), outcome{400, "EntityTooLarge"}},
		{"truncated multipart", "form body cut 40 bytes before its end", upload(noChange, 0, false, true), outcome{400, "MalformedPOSTRequest"}},
		{"malformed multipart", "form with the file part first, fields after it", upload(noChange, 0, true, false), outcome{400, "MalformedPOSTRequest"}},
		{"hostile metadata", "file name with U+202E RIGHT-TO-LEFT OVERRIDE (`photo\u202egnp.exe`, shown as `photoexe.png`)", sign(valid, fileBody("photo\u202egnp.exe", "image/png", 10), nil), outcome{400, "InvalidFileName"}},
		{"reused ticket", "form of one ticket posted a second time, with other bytes of the same size", func(t *testing.T, st *stack.Stack) outcome {
			tk, err := testutil.AskTicket(http.DefaultClient, st.SignURL, valid(), "avatar", "a.png", "image/png", len(pngFile(1)))
			if err != nil {
				t.Fatal(err)
			}
			for _, data := range [][]byte{pngFile(1), pngFile(2)} {
				ctype, body := form(tk, nil, data, false)
				if o := postRaw(t, tk.URL, ctype, body); o.Status != 200 {
					return o
				}
			}
			return outcome{200, "stored twice"}
		}, outcome{409, "FileAlreadyExists"}},
	}
}

// TestBadInputs tries every bad input against the real stack and wants the
// documented outcome for each: a clear error (or a made-safe value), never a
// 5xx and never a panic. OSSGATE_BADINPUTS_MD=path writes the README table.
func TestBadInputs(t *testing.T) {
	out := &testutil.SyncBuffer{}
	st := startStack(t, stack.Config{JWTSecret: relSecret, RecordEnv: []string{"OSSGATE_FUNCTION=empty"}, Output: out})
	cases := badInputs()
	got := make([]outcome, len(cases))
	for i, c := range cases {
		t.Run(c.group+"/"+c.name, func(t *testing.T) {
			got[i] = c.try(t, st)
			if got[i] != c.want {
				t.Errorf("got %v, want %v", got[i], c.want)
			}
		})
	}
	noPanics(t, out.String())
	writeBadInputsTable(t, cases, got)
}
