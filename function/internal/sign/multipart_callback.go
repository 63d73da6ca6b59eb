package sign

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/wire"
)

// callbackCompleter is the OSS calls that complete a multipart upload with
// OSS's upload callback (ossclient.Multipart.CompleteCallback).
type callbackCompleter interface {
	CompleteCallback(key, uploadID string, parts []ossclient.Part, forbidOverwrite bool, callback, callbackVar string) ([]byte, error)
}

// completeWithCallback completes req's upload asking OSS to call the sign
// function back, and answers the completion with the record the callback
// answered. When the callback failed (OSS's 203 CallbackFailed) the object
// is complete all the same: the answer is the object without its record,
// which the client then asks GET /uploads/{id} for.
func (h *Handler) completeWithCallback(w http.ResponseWriter, cc callbackCompleter, mp OSS, req wire.CompleteRequest, user string, parts []ossclient.Part) error {
	profile := ""
	if k, ok := h.layout.ParseUploadKey(req.Key); ok {
		profile = k.Profile
	}
	answer, err := cc.CompleteCallback(req.Key, req.UploadID, parts, true, encodeCallback(h.o.Config.Callback.URL),
		callbackVar(user, profile))
	res := wire.CompleteResponse{Key: req.Key, ObjectURL: h.publicURL(req.Key), Size: req.Size, RecordID: records.ID(h.o.Config.OSS.Bucket, req.Key)}
	switch {
	case errors.Is(err, ossclient.ErrCallbackFailed):
		head, herr := mp.Head(req.Key)
		if herr != nil {
			return errors.Join(err, herr)
		}
		res.ETag = records.NormalizeETag(head.ETag)
	case err != nil:
		return h.completedAlready(w, mp, req, user, err)
	default:
		var a wire.CallbackAnswer
		if jerr := json.Unmarshal(answer, &a); jerr != nil || a.Record.ID == "" {
			return errorf(wire.CodeInternal, "the upload callback's answer is not a record")
		}
		res.ETag, res.Record = a.Record.ETag, &a.Record
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
