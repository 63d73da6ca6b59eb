package ossemu

import (
	"encoding/base64"
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

// Messages OSS sends, verbatim where the OSS API reference (PostObject,
// error-centre pages) or the official SDKs' tests quote them.
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
	msgTokenExpired    = "The security token you provided has expired."
	msgTokenInvalid    = "The security token you provided is invalid."
	msgRequestExpired  = "Request has expired."
	msgNoSuchUpload    = "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
	msgInvalidPart     = "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag."
	msgInvalidOrder    = "The list of parts was not in ascending order. Parts list must specified in order by part number."
	msgPartTooSmall    = "Your proposed upload is smaller than the minimum allowed size."
	msgPrecondition    = "At least one of the pre-conditions you specified did not hold."
	msgMalformedXML    = "The XML you provided was not well-formed or did not validate against our published schema."
	msgInvalidDigest   = "The Content-MD5 you specified was invalid."
)

// Error-centre (EC) codes, each from the OSS error-centre page of that
// number (CONFORMANCE.md names the page); answers whose EC no page settles
// carry none.
const (
	ecConditionFailed = "0006-00000227" // PostObject policy condition failed
	ecExtraFields     = "0006-00000228" // PostObject field not covered by the policy
	ecSTSKeyUnknown   = "0002-00000002" // STS request (token sent) with an AccessKeyId STS did not issue
	ecTokenInvalid    = "0002-00000006" // security token not the one issued with the AccessKeyId
	ecTokenExpired    = "0002-00000007" // STS credentials expired
	ecURLExpired      = "0002-00000069" // signed URL past Expires / x-oss-date+x-oss-expires
	ecURLExpiresBad   = "0002-00000070" // Expires / x-oss-expires not a valid number
	ecURLNotYetValid  = "0002-00000235" // V4 URL used more than 15 min before its x-oss-date
	ecHeaderSkewed    = "0002-00000504" // header-signed request time more than 15 min off
	ecBadTime         = "0002-00000505" // Date / x-oss-date not parseable

	// The ECs below are pinned by alibabacloud-oss-go-sdk-v2 1.6.1's
	// integration tests (oss/client_integration_object_basic_test.go,
	// …_multipart_test.go, …_acl_test.go), which assert them against OSS.
	ecNoSuchBucket         = "0015-00000101"
	ecNoSuchKey            = "0026-00000001"
	ecNoSuchUpload         = "0042-00000002" // AbortMultipartUpload, CompleteMultipartUpload, ListParts
	ecNoSuchUploadPart     = "0042-00000104" // UploadPart
	ecNoSuchUploadPartCopy = "0042-00000311" // UploadPartCopy
	ecCompleteAllWithBody  = "0042-00000216" // x-oss-complete-all together with a part list
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

func errInvalidAccessKeyID(ec string) *Error {
	return errorf(http.StatusForbidden, "InvalidAccessKeyId", ec, msgInvalidAK)
}

func errTimeSkewed(ec string) *Error {
	return errorf(http.StatusForbidden, "RequestTimeTooSkewed", ec, msgTimeSkewed)
}

func errMalformedXML() *Error {
	return errorf(http.StatusBadRequest, "MalformedXML", "", msgMalformedXML)
}

func errInvalidDigest() *Error {
	return errorf(http.StatusBadRequest, "InvalidDigest", "", msgInvalidDigest)
}

func errSignature() *Error {
	return errorf(http.StatusForbidden, "SignatureDoesNotMatch", "", msgSignature)
}

func errTooLarge() *Error {
	return errorf(http.StatusBadRequest, "EntityTooLarge", "", msgEntityTooLarge)
}

func errNoSuchKey() *Error {
	return errorf(http.StatusNotFound, "NoSuchKey", ecNoSuchKey, msgNoSuchKey)
}

func errNoSuchBucket() *Error {
	return errorf(http.StatusNotFound, "NoSuchBucket", ecNoSuchBucket, msgNoSuchBucket)
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
// declaration and the <Error> document. HEAD answers carry no body; the
// document goes base64-encoded in the x-oss-err header instead, which both
// Go SDKs decode when an error answer has no body.
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
	if e.Status == http.StatusNotModified { // a 304 has no body (RFC 9110 15.4.5)
		h.Del("Content-Type")
		w.WriteHeader(e.Status)
		return
	}
	if r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(out))
		w.WriteHeader(e.Status)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(out)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(out)
}
