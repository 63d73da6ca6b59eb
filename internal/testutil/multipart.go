package testutil

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// MultipartUpload is the upload of a POST /uploads/multipart answer
// (docs/api.md).
type MultipartUpload struct {
	Key       string    `json:"key"`
	UploadID  string    `json:"uploadId"`
	PartSize  int64     `json:"partSize"`
	PartCount int       `json:"partCount"`
	ObjectURL string    `json:"objectUrl"`
	Parts     []PartURL `json:"parts"`
}

// PartURL is one presigned part request.
type PartURL struct {
	Number    int               `json:"number"`
	URL       string            `json:"url"`
	Size      int64             `json:"size"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// Completed is a POST /uploads/multipart/complete answer.
type Completed struct {
	Key       string `json:"key"`
	ObjectURL string `json:"objectUrl"`
	Size      int64  `json:"size"`
	ETag      string `json:"etag"`
}

// StartMultipart starts a multipart upload of one file under profile.
func StartMultipart(c *http.Client, signURL, authz, profile, name, ctype string, size int64) (MultipartUpload, error) {
	var res struct{ Upload MultipartUpload }
	err := Call(c, signURL, authz, http.MethodPost, "/uploads/multipart", map[string]any{
		"profile": profile, "file": map[string]any{"name": name, "type": ctype, "size": size},
	}, &res)
	return res.Upload, err
}

// PutParts PUTs each part of data (the whole file) to its URL with its
// headers, as a client does; any answer but 200 is an error quoting it.
func PutParts(c *http.Client, parts []PartURL, partSize int64, data []byte) error {
	for _, p := range parts {
		start := int64(p.Number-1) * partSize
		req, err := http.NewRequest(http.MethodPut, p.URL, bytes.NewReader(data[start:start+p.Size]))
		if err != nil {
			return err
		}
		for k, v := range p.Headers {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("PUT part %d: got %d %.300s, want 200", p.Number, resp.StatusCode, b)
		}
	}
	return nil
}

// CompleteMultipart asks the sign function to complete an upload of size
// bytes.
func CompleteMultipart(c *http.Client, signURL, authz, key, uploadID string, size int64) (Completed, error) {
	var res Completed
	err := Call(c, signURL, authz, http.MethodPost, "/uploads/multipart/complete", map[string]any{"key": key, "uploadId": uploadID, "size": size}, &res)
	return res, err
}
