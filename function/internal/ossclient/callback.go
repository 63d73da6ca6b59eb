package ossclient

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// ErrCallbackFailed: OSS stored the object but its upload callback failed
// or timed out; it answered 203 CallbackFailed (OSS's "Callback" page).
var ErrCallbackFailed = errors.New("ossclient: the upload callback failed")

// CompleteCallback completes upload id of key as Complete does, asking OSS
// to call back with callback and callbackVar (Base64, the x-oss-callback
// and x-oss-callback-var headers), and returns the callback's answer, the
// body OSS relays. When the callback fails the upload is complete all the
// same and the error wraps ErrCallbackFailed.
func (m Multipart) CompleteCallback(key, id string, parts []Part, forbidOverwrite bool, callback, callbackVar string) ([]byte, error) {
	imur := oss.InitiateMultipartUploadResult{Bucket: m.Bucket.BucketName, Key: key, UploadID: id}
	list := make([]oss.UploadPart, len(parts))
	for i, p := range parts {
		list[i] = oss.UploadPart{PartNumber: p.Number, ETag: p.ETag}
	}
	var answer []byte
	_, err := m.Bucket.CompleteMultipartUpload(imur, list, oss.ForbidOverWrite(forbidOverwrite),
		oss.Callback(callback), oss.CallbackVar(callbackVar), oss.CallbackResult(&answer))
	var se oss.ServiceError
	if errors.As(err, &se) && se.StatusCode == http.StatusNonAuthoritativeInfo {
		return nil, fmt.Errorf("ossclient: complete: %w: %w", ErrCallbackFailed, err)
	}
	if err != nil {
		return nil, wrap("complete", err)
	}
	return answer, nil
}
