package testutil

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/ossgate/ossgate/function/wire"
)

// StartMultipart starts a multipart upload of one file under profile.
func StartMultipart(c *http.Client, signURL, authz, profile, name, ctype string, size int64) (wire.MultipartUpload, error) {
	var res wire.CreateResponse
	err := Call(c, signURL, authz, http.MethodPost, "/uploads/multipart", wire.CreateRequest{
		Profile: profile, File: wire.File{Name: name, Type: ctype, Size: size},
	}, &res)
	return res.Upload, err
}

// PutParts PUTs each part of data (the whole file) to its URL with its
// headers, as a client does; any answer but 200 is an error quoting it.
func PutParts(c *http.Client, parts []wire.PartURL, partSize int64, data []byte) error {
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
func CompleteMultipart(c *http.Client, signURL, authz, key, uploadID string, size int64) (wire.CompleteResponse, error) {
	var res wire.CompleteResponse
	err := Call(c, signURL, authz, http.MethodPost, "/uploads/multipart/complete",
		wire.CompleteRequest{UploadRef: wire.UploadRef{Key: key, UploadID: uploadID}, Size: size}, &res)
	return res, err
}
