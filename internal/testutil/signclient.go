package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/golang-jwt/jwt/v5"
)

// Ticket is one upload of a POST /sign answer (docs/api.md).
type Ticket struct {
	URL       string            `json:"url"`
	Key       string            `json:"key"`
	Fields    map[string]string `json:"fields"`
	MaxSize   int64             `json:"maxSize"`
	ObjectURL string            `json:"objectUrl"`
	RecordID  string            `json:"recordId"`
}

// Record is one record of a GET /uploads answer: the fields tests check.
type Record struct {
	ID            string `json:"id"`
	Key           string `json:"key"`
	Size          int64  `json:"size"`
	ETag          string `json:"etag"`
	ContentType   string `json:"contentType"`
	DetectedType  string `json:"detectedType"`
	Uploader      string `json:"uploader"`
	Profile       string `json:"profile"`
	OriginalName  string `json:"originalName"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	QuarantineKey string `json:"quarantineKey"`
}

// Token returns an Authorization value "Bearer <jwt>": an HS256 token for
// sub signed with secret, valid for ttl from now.
func Token(secret, sub string, ttl time.Duration) string {
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: sub, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}).SignedString([]byte(secret))
	if err != nil {
		panic(err) // HMAC signing of registered claims cannot fail
	}
	return "Bearer " + tok
}

// Call sends method path to the sign function at signURL with authz ("" =
// none) and in as its JSON body (nil = none), and decodes a 200 answer into
// out; any other answer is an error quoting the body.
func Call(c *http.Client, signURL, authz, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, signURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: got %d %.300s, want 200", method, path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: %w in %.300s", method, path, err, b)
	}
	return nil
}

// AskTicket asks the sign function for one file's ticket under profile.
func AskTicket(c *http.Client, signURL, authz, profile, name, ctype string, size int) (Ticket, error) {
	var res struct{ Uploads []Ticket }
	err := Call(c, signURL, authz, http.MethodPost, "/sign", map[string]any{
		"profile": profile, "files": []map[string]any{{"name": name, "type": ctype, "size": size}},
	}, &res)
	if err == nil && len(res.Uploads) != 1 {
		err = fmt.Errorf("POST /sign: got %d tickets, want 1", len(res.Uploads))
	}
	if err != nil {
		return Ticket{}, err
	}
	return res.Uploads[0], nil
}

// PostForm uploads data as a client does: a multipart POST to tk.URL with
// every field of the ticket, then the file part (typed ctype). Any answer
// but a 2xx is an error quoting the body.
func PostForm(c *http.Client, tk Ticket, ctype string, data []byte) error {
	status, b, err := PostFormAnswer(c, tk, ctype, data)
	if err == nil && status/100 != 2 {
		err = fmt.Errorf("PostObject %s: got %d %.300s, want 2xx", tk.Key, status, b)
	}
	return err
}

// PostFormAnswer posts as PostForm does and returns OSS's answer: its
// status and body.
func PostFormAnswer(c *http.Client, tk Ticket, ctype string, data []byte) (int, []byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range tk.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="f"`}, "Content-Type": {ctype}})
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := c.Post(tk.URL, mw.FormDataContentType(), &body)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// PutAsTicket puts data at tk.Key with the SDK (a PutObject, which fires its
// own event), labelled as the ticket's form labels an upload: the ticket's
// Content-Type and every user metadata field it carries.
func PutAsTicket(b *oss.Bucket, tk Ticket, data []byte) error {
	var opts []oss.Option
	for k, v := range tk.Fields {
		switch {
		case strings.EqualFold(k, oss.HTTPHeaderContentType):
			opts = append(opts, oss.ContentType(v))
		case len(k) > len(oss.HTTPHeaderOssMetaPrefix) && strings.EqualFold(k[:len(oss.HTTPHeaderOssMetaPrefix)], oss.HTTPHeaderOssMetaPrefix):
			opts = append(opts, oss.SetHeader(k, v))
		}
	}
	return b.PutObject(tk.Key, bytes.NewReader(data), opts...)
}

// ListUploads returns every record GET /uploads shows the caller of authz,
// limit per page, following the cursors (at most 1,000 pages).
func ListUploads(c *http.Client, signURL, authz string, limit int) ([]Record, error) {
	var all []Record
	cursor := ""
	for range 1000 {
		var p struct {
			Records []Record `json:"records"`
			Next    string   `json:"next"`
		}
		path := fmt.Sprintf("/uploads?limit=%d&cursor=%s", limit, url.QueryEscape(cursor))
		if err := Call(c, signURL, authz, http.MethodGet, path, nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Records...)
		if cursor = p.Next; cursor == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("GET /uploads: more than 1000 pages")
}

// OSSBucket returns an SDK client of bucket at the local OSS endpoint url,
// path-style, signed with the AccessKey id and secret.
func OSSBucket(url, bucket, id, secret string) (*oss.Bucket, error) {
	cl, err := oss.New(url, id, secret, oss.ForcePathStyle(true), oss.Timeout(5, 10))
	if err != nil {
		return nil, err
	}
	return cl.Bucket(bucket)
}
