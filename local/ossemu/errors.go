package ossemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

// Error is an OSS error answer: the HTTP status, the OSS error code, its
// message and, when known, the OSS error-centre code (EC). Every failure the
// emulator reports to a client is an *Error; writeError is the one place that
// turns it into the XML body OSS sends.
type Error struct {
	Status  int
	Code    string
	Message string
	EC      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("ossemu: %d %s: %s", e.Status, e.Code, e.Message)
}

func errorf(status int, code, ec, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, EC: ec, Message: fmt.Sprintf(format, args...)}
}

// Messages OSS sends, verbatim where /work/shared/oss-v4-notes.md records them.
const (
	msgMalformedPOST   = "The body of your POST request is not well-formed multipart/form-data."
	msgSignature       = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgInvalidAK       = "The OSS Access Key Id you provided does not exist in our records."
	msgPolicyExpired   = "Invalid according to Policy: Policy expired."
	msgEntityTooLarge  = "Your proposed upload exceeds the maximum allowed size."
	msgEntityTooSmall  = "Your proposed upload is smaller than the minimum allowed size."
	msgNoSuchKey       = "The specified key does not exist."
	msgNoSuchBucket    = "The specified bucket does not exist."
	msgAccessDenied    = "You have no right to access this object because of bucket acl."
	msgFileExists      = "The object you specified already exists and can not be overwritten."
	msgIncorrectFiles  = "POST requires exactly one file upload per request."
	msgInvalidObject   = "The specified object is not valid."
	msgMissingLength   = "You must provide the Content-Length HTTP header."
	msgMethodNotAllow  = "The specified method is not allowed against this resource."
	msgNotImplemented  = "A header you provided implies functionality that is not implemented."
	msgRangeNotSatisfy = "The requested range cannot be satisfied."
	msgTimeSkewed      = "The difference between the request time and the current time is too large."
)

// Error-centre codes recorded in the notes; others are left empty (unknown).
const (
	ecConditionFailed = "0006-00000227"
	ecExtraFields     = "0006-00000228"
)

func errMalformed() *Error {
	return errorf(http.StatusBadRequest, "MalformedPOSTRequest", "", msgMalformedPOST)
}

func errPolicyDocument(msg string) *Error {
	return errorf(http.StatusBadRequest, "InvalidPolicyDocument", "", "Invalid Policy: %s", msg)
}

func errInvalidArgument(format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "", format, args...)
}

func errAccessDenied(ec, format string, args ...any) *Error {
	return errorf(http.StatusForbidden, "AccessDenied", ec, format, args...)
}

func errInvalidAccessKeyID() *Error {
	return errorf(http.StatusForbidden, "InvalidAccessKeyId", "", msgInvalidAK)
}

func errSignature() *Error {
	return errorf(http.StatusForbidden, "SignatureDoesNotMatch", "", msgSignature)
}

func errTooLarge() *Error {
	return errorf(http.StatusBadRequest, "EntityTooLarge", "", msgEntityTooLarge)
}

func errNoSuchKey() *Error {
	return errorf(http.StatusNotFound, "NoSuchKey", "", msgNoSuchKey)
}

func errInvalidObjectName() *Error {
	return errorf(http.StatusBadRequest, "InvalidObjectName", "", msgInvalidObject)
}

// errorBody is the XML document OSS sends with every error.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	EC        string   `xml:"EC"`
}

// writeError writes e as OSS does: status, application/xml, the XML
// declaration and the <Error> document. HEAD answers carry no body.
func writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	if e.EC != "" {
		h.Set("x-oss-ec", e.EC)
	}
	body, _ := xml.Marshal(errorBody{
		Code: e.Code, Message: e.Message, RequestID: h.Get("x-oss-request-id"), HostID: r.Host, EC: e.EC,
	})
	out := append([]byte(xml.Header), body...)
	h.Set("Content-Length", fmt.Sprint(len(out)))
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(out)
	}
}
