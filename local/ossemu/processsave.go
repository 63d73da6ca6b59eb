package ossemu

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossgate/ossgate/local/ossemu/disk"
	"github.com/ossgate/ossgate/local/ossemu/imgproc"
)

// processSave serves the process-and-save request of the OSS
// image-processing guide ("Save processed images", sys/saveas):
// POST /key?x-oss-process with the body
// "x-oss-process=<actions>|sys/saveas,o_<object>,b_<bucket>" (as is or
// percent-encoded), the object and
// bucket names URL-safe base64 (padding optional). The source is processed
// by imgproc as a GET with x-oss-process would be, and the result stored as
// the object o in bucket b (default: the source's bucket). The answer is
// JSON: bucket (when b was given), fileSize, object, status "OK", the fields
// aliyun-oss-go-sdk's ProcessObjectResult and ali-oss's processObjectSave
// read. A process without a sys/saveas step is refused.
func (s *Server) processSave(q *request) error {
	if err := s.authenticate(q); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(q.r.Body, 64<<10))
	if err != nil {
		return errInvalidArgument("The request body could not be read.")
	}
	// aliyun-oss-go-sdk sends the process as is, ali-oss percent-encodes it
	// (querystring.stringify); percent-decoding reads both, and keeps a "+"
	// (of standard base64 text) a "+", where form decoding would make it a
	// space
	process, ok := strings.CutPrefix(string(body), "x-oss-process=")
	if p, err := url.PathUnescape(process); err == nil {
		process = p
	}
	if !ok || process == "" {
		return errInvalidArgument("The body must be x-oss-process=<process>|sys/saveas,o_<object>.")
	}
	actions, saveas, found := strings.Cut(process, "|")
	if !found {
		return errInvalidArgument("The process %q has no sys/saveas step.", process)
	}
	target, bucket, err := parseSaveAs(saveas)
	if err != nil {
		return err
	}
	destBucket := firstNonEmpty(bucket, q.bucket)
	if !s.knownBucket(destBucket) {
		return errNoSuchBucket()
	}
	if err := checkKey(target); err != nil {
		return err
	}
	o, err := s.openObject(q)
	if err != nil {
		return err
	}
	if o, err = s.followSymlink(q.bucket, o); err != nil {
		return err
	}
	out, ctype, err := imgproc.Process(actions, o.Body(0, o.Meta.Size))
	o.Close()
	var ie *imgproc.Error
	if errors.As(err, &ie) {
		return errorf(ie.Status, ie.Code, "", "%s", ie.Message)
	} else if err != nil {
		return err
	}
	p, err := s.store.Create(destBucket, int64(len(out)))
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := p.Write(out); err != nil {
		return err
	}
	meta := &disk.Meta{Key: target, ContentType: ctype}
	dq := *q
	dq.bucket, dq.key = destBucket, target
	if err := s.commit(&dq, p, meta, "ObjectCreated:PostProcessTask", false); err != nil {
		return err
	}
	res, err := json.Marshal(processResult{Bucket: bucket, FileSize: len(out), Object: target, Status: "OK"})
	if err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "application/json")
	q.w.WriteHeader(http.StatusOK)
	_, _ = q.w.Write(res)
	return nil
}

type processResult struct {
	Bucket   string `json:"bucket,omitempty"`
	FileSize int    `json:"fileSize"`
	Object   string `json:"object"`
	Status   string `json:"status"`
}

// parseSaveAs reads "sys/saveas,o_<b64>[,b_<b64>]".
func parseSaveAs(step string) (object, bucket string, err error) {
	params, ok := strings.CutPrefix(step, "sys/saveas,")
	if !ok {
		return "", "", errInvalidArgument("The step %q is not sys/saveas.", step)
	}
	for p := range strings.SplitSeq(params, ",") {
		name, v, _ := strings.Cut(p, "_")
		b, derr := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
		if derr != nil {
			return "", "", errInvalidArgument("sys/saveas parameter %q is not URL-safe base64.", p)
		}
		switch name {
		case "o":
			object = string(b)
		case "b":
			bucket = string(b)
		default:
			return "", "", errInvalidArgument("sys/saveas has no parameter %q.", name)
		}
	}
	if object == "" {
		return "", "", errInvalidArgument("sys/saveas needs o_<object>.")
	}
	return object, bucket, nil
}
