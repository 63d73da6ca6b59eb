package ossemu

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
)

// OSS selects an operation by the query parameters of a request as much as
// by its method: PUT /key?acl is PutObjectACL, not PutObject, and
// GET /key?symlink is GetSymlink, not GetObject (the V1 signer's list of
// sub-resources in aliyun-oss-go-sdk oss/conn.go, signKeyList, names them).
// An emulator that routed on the method alone would serve an operation it
// does not know as an object write or read, replacing or returning data.
// So every route names the parameters it understands, and a request with
// any other parameter is refused before it reaches a handler: what is not
// understood never writes, deletes or returns object data. One value is
// understood without versioning: versionId=null on a read or delete names
// the object itself (the null version of the "Versioning" page of the OSS
// user guide), and alibabacloud-oss-go-sdk-v2's DeleteObject sends it. And
// a HEAD of an object ignores parameters that are no OSS sub-resource (not
// in signedParams), as OSS ignores them (aliyun-oss-go-sdk's
// TestQueryStringAuthV4 expects a HEAD with "abc" and "|abc" to reach the
// object): it answers headers only. So does a GET of the bucket, a listing
// (ali-oss 6.23.0's "should encode variant object keys" lists with a
// "prefixz" parameter and expects every key).

// authParams carry a presigned URL's signature (V1: OSSAccessKeyId,
// Expires, Signature, security-token; V2 and V4: the x-oss-* ones) or a
// token, and x-oss-traffic-limit applies to any request: every route
// accepts them.
var authParams = []string{
	"OSSAccessKeyId", "Expires", "Signature", "security-token",
	"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-expires",
	"x-oss-signature", "x-oss-additional-headers", "x-oss-security-token", "x-oss-access-key-id",
	"x-oss-traffic-limit", // bandwidth throttling, traffic.go
}

// responseParams override the answer's headers on GetObject (the GetObject
// page of the OSS API reference).
var responseParams = []string{
	"response-content-type", "response-content-language", "response-expires",
	"response-cache-control", "response-content-disposition", "response-content-encoding",
}

// objectParams are the parameters each method on a key understands.
var objectParams = map[string][]string{
	http.MethodGet:    concat(responseParams, "x-oss-process", "tagging", "acl", "symlink", "uploadId", "max-parts", "part-number-marker", "encoding-type"),
	http.MethodHead:   concat(responseParams, "objectMeta"),
	http.MethodPut:    concat(responseParams, "tagging", "acl", "symlink", "partNumber", "uploadId"), // response-* signed into a PUT URL change nothing
	http.MethodPost:   {"uploads", "uploadId", "encoding-type", "sequential", "append", "position", "restore", "x-oss-process"},
	http.MethodDelete: {"tagging", "uploadId"},
}

// bucketParams are the parameters each method on the bucket understands.
var bucketParams = map[string][]string{
	http.MethodGet: {"prefix", "delimiter", "marker", "max-keys", "list-type", "continuation-token",
		"start-after", "fetch-owner", "encoding-type", "uploads", "key-marker", "upload-id-marker", "max-uploads", "cors"},
	http.MethodPost:   {"delete", "encoding-type"},
	http.MethodPut:    {"cors"},
	http.MethodDelete: {"cors"},
}

func concat(a []string, b ...string) []string { return append(slices.Clone(a), b...) }

// unsupported returns the first (by name) parameter of v that a request on
// the bucket (key "") or on a key with method does not understand, or "".
func unsupported(method, key string, v url.Values) string {
	allowed := objectParams[method]
	if key == "" {
		allowed = bucketParams[method]
	}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if method == http.MethodHead && key != "" && !slices.Contains(signedParams, name) {
			continue // not an OSS sub-resource: OSS ignores it, and a HEAD returns no data
		}
		if method == http.MethodGet && key == "" && !slices.Contains(signedParams, name) {
			continue // likewise for a listing, which returns no object data
		}
		if name == "versionId" && key != "" && v.Get(name) == "null" && method != http.MethodPut && method != http.MethodPost {
			continue // the null version: the object itself in a bucket without versioning
		}
		if !slices.Contains(authParams, name) && !slices.Contains(allowed, name) {
			return name
		}
	}
	return ""
}

// errUnsupported is OSS's answer to a request for functionality it does not
// implement: 501 NotImplemented.
func errUnsupported(what string) *Error {
	e := errorf(http.StatusNotImplemented, "NotImplemented", "", msgNotImplemented)
	e.Message += " (the local OSS does not implement " + what + ")"
	return e
}
