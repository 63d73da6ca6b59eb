// Package matrix runs one table of OSS operations with every official client
// (ali-oss V1 and V4, path-style and virtual-host style; aliyun-oss-go-sdk
// v3 V1 and V4; alibabacloud-oss-go-sdk-v2 V4) against the local OSS
// endpoint, local/ossemu, and compares what each client observed with the
// one expected answer per row. A client that cannot express a row says so,
// and the table must name that cell: no row is skipped silently.
package matrix

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
)

// facts are what a client observed for one row: names to values, compared
// with the row's expected facts exactly. A call's outcome is "ok" when the
// client reported success, else "<status> <OSS code>" ("<status>" for an
// answer without a code, such as 304 or a HEAD error).
type facts map[string]string

// row is one operation of the matrix: what every client does, the OSS
// documentation it follows, the facts every client must observe, and the
// columns that cannot express it (with the reason each client gives).
type row struct {
	id     string
	what   string
	doc    string
	want   facts
	cannot []string // column names
}

// Test data shared by every client.
var (
	part1     = bytes.Repeat([]byte("a"), 100<<10)
	part2     = bytes.Repeat([]byte("b"), 100<<10)
	part3     = []byte("c")
	helloETag = `"5EB63BBBE01EEED093CB22BB8F5ACDC3"` // MD5 of "hello world"
)

func md5Hex(b ...[]byte) string {
	h := md5.New()
	for _, x := range b {
		h.Write(x)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// multipartETag is the ETag OSS gives a multipart object: the MD5 of the
// parts' MD5s as upper-case hex text, then "-<parts>" (the Go SDK v3's tests
// pin 2351E662233817A7AE974D8C5B0876DD-5 for their sample image, which
// this formula gives), computed here independently of ossemu.
func multipartETag(parts ...[]byte) string {
	var sums []byte
	for _, p := range parts {
		sums = append(sums, strings.ToUpper(md5Hex(p))...)
	}
	return strings.ToUpper(md5Hex(sums)) + "-" + strconv.Itoa(len(parts))
}

var bigETag = multipartETag(part1, part2, part3)

// v1Columns are the columns that sign with V1.
var v1Columns = []string{"ali-oss/v1/path", "ali-oss/v1/vhost", "go-sdk-v3/v1"}

// rows is the matrix, in the order every client runs it (later rows use
// objects earlier rows made).
var rows = []row{
	{id: "put-get", what: "PutObject with Content-Type and x-oss-meta-*, GetObject", doc: "PutObject, GetObject",
		want: facts{"put-etag": helloETag, "body": "hello world", "get-content-type": "text/plain"}},
	{id: "head", what: "HeadObject: length, ETag, user metadata, object type, Last-Modified", doc: "HeadObject",
		want: facts{"content-length": "11", "etag": helloETag, "meta-uid": "42", "object-type": "Normal", "last-modified": "ok"}},
	{id: "odd-keys", what: "keys with a space, +, %, unicode and 1023 bytes: put, get, list", doc: "Object naming (1-1023 bytes, UTF-8)",
		want: facts{"space": "space", "plus": "plus", "percent": "percent", "unicode": "unicode", "1023-bytes": "1023-bytes",
			"list": "odd/100%.txt|odd/a b.txt|odd/a+b.txt|odd/中文 ключ.txt"}},
	{id: "get-range", what: "GetObject with Range bytes=a-b, a-, -n", doc: "GetObject (Range)",
		want: facts{"2-5": "206 2345", "7-": "206 789", "-3": "206 789"}},
	{id: "list-v2", what: "ListObjectsV2: prefix, delimiter, max-keys 2, continuation-token paging", doc: "ListObjectsV2",
		want: facts{"keys": "b|d|e|f", "prefixes": "a/|c/", "pages": "3"}},
	{id: "list-v1", what: "ListObjects (V1): prefix, delimiter, max-keys 2, marker paging", doc: "ListObjects",
		want: facts{"keys": "b|d|e|f", "prefixes": "a/|c/", "pages": "3"}},
	{id: "delete", what: "DeleteObject, then GetObject; DeleteObject of a missing key", doc: "DeleteObject",
		want: facts{"get-after": "404 NoSuchKey", "delete-missing": "ok"}},
	{id: "get-missing", what: "GetObject and HeadObject of a missing key", doc: "GetObject, HeadObject",
		want: facts{"get": "404 NoSuchKey", "head": "404"}},
	{id: "delete-multiple", what: "DeleteMultipleObjects (two keys and a missing one, not quiet)", doc: "DeleteMultipleObjects",
		want: facts{"deleted": "x/1|x/2|x/missing", "remaining": "x/3"}},
	{id: "copy", what: "CopyObject: metadata and ETag copied", doc: "CopyObject",
		want: facts{"etag": helloETag, "meta-uid": "42", "content-type": "text/plain"}},
	{id: "tagging", what: "PutObjectTagging, GetObjectTagging, DeleteObjectTagging", doc: "PutObjectTagging",
		want: facts{"get": "n=1&state=quarantined", "after-delete": ""}},
	{id: "presign-get", what: "presigned GET URL (V1 query or V4 query, per column), fetched by plain HTTP", doc: "Add signatures to URLs (V1), Include a V4 signature in a URL",
		want: facts{"status": "200", "body": "hello world"}},
	{id: "presign-put", what: "presigned PUT URL with Content-Type, fetched by plain HTTP", doc: "Add signatures to URLs (V1), Include a V4 signature in a URL",
		want: facts{"status": "200", "body": "via url"}},
	{id: "presign-put-content-length", what: "V4 presigned PUT signing content-length through x-oss-additional-headers: the signed length passes, another is refused", doc: "Include a V4 signature in a URL (x-oss-additional-headers)",
		want: facts{"right": "200", "wrong": "403 SignatureDoesNotMatch", "additional-headers": "content-length"}, cannot: v1Columns},
	{id: "presign-expired", what: "presigned GET URL past its expiry", doc: "error centre 0002-00000069",
		want: facts{"status": "403", "code": "AccessDenied", "ec": "0002-00000069"}},
	{id: "conditional", what: "GetObject/HeadObject with If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since", doc: "Conditional download",
		want: facts{"if-match": "ok", "if-match-wrong": "412 PreconditionFailed", "if-none-match": "304", "if-modified-since-future": "304",
			"if-unmodified-since-past": "412 PreconditionFailed", "head-if-none-match": "304"}},
	{id: "forbid-overwrite", what: "x-oss-forbid-overwrite: true on PutObject (existing and new key) and CopyObject", doc: "PutObject, CopyObject (x-oss-forbid-overwrite)",
		want: facts{"put-existing": "409 FileAlreadyExists", "put-new": "ok", "copy-existing": "409 FileAlreadyExists"}},
	{id: "multipart", what: "InitiateMultipartUpload (type, meta), UploadPart ×3, ListParts, ListMultipartUploads, CompleteMultipartUpload, HEAD, GET", doc: "Multipart upload",
		want: facts{"parts": "1:102400|2:102400|3:1", "uploads": "mp/big.bin", "complete-etag": `"` + bigETag + `"`, "etag": `"` + bigETag + `"`,
			"size": "204801", "object-type": "Multipart", "content-type": "application/x-test", "meta-uid": "7",
			"body-md5": md5Hex(part1, part2, part3)}},
	{id: "upload-part-copy", what: "UploadPartCopy of a 100 KB range, UploadPart, Complete", doc: "UploadPartCopy",
		want: facts{"size": "102404", "body-md5": md5Hex(part1, []byte("tail"))}},
	{id: "presign-upload-part", what: "V4 presigned UploadPart URLs signing content-length (a phone's resumable upload): two parts PUT by plain HTTP, a wrong length refused, completed by the client", doc: "Include a V4 signature in a URL, UploadPart",
		want: facts{"part-1": "200", "wrong-length": "403 SignatureDoesNotMatch", "part-2": "200", "size": "102404", "body-md5": md5Hex(part1, []byte("tail"))}, cannot: v1Columns},
	{id: "multipart-abort", what: "AbortMultipartUpload, then UploadPart and ListParts", doc: "AbortMultipartUpload",
		want: facts{"upload-after": "404 NoSuchUpload", "list-parts-after": "404 NoSuchUpload"}},
	{id: "multipart-invalid-part", what: "CompleteMultipartUpload with a wrong ETag, with a part never uploaded", doc: "CompleteMultipartUpload (InvalidPart)",
		want: facts{"wrong-etag": "400 InvalidPart", "missing-part": "400 InvalidPart"}},
	{id: "multipart-invalid-order", what: "CompleteMultipartUpload listing part 2 before part 1", doc: "CompleteMultipartUpload (InvalidPartOrder)",
		want: facts{"complete": "400 InvalidPartOrder"}, cannot: []string{"ali-oss/v1/path", "ali-oss/v1/vhost", "ali-oss/v4/path", "ali-oss/v4/vhost"}},
	{id: "multipart-too-small", what: "CompleteMultipartUpload whose first part is 1 KB (under 100 KB, not last)", doc: "CompleteMultipartUpload (EntityTooSmall)",
		want: facts{"complete": "400 EntityTooSmall"}},
	{id: "multipart-no-such-upload", what: "CompleteMultipartUpload of an upload id that does not exist", doc: "CompleteMultipartUpload (NoSuchUpload)",
		want: facts{"complete": "404 NoSuchUpload"}},
	{id: "skew", what: "a request dated 20 minutes off the server's clock", doc: "error centre 0002-00000504",
		want: facts{"put": "403 RequestTimeTooSkewed"}},
	{id: "sts-expired", what: "STS credentials past their expiry", doc: "error centre 0002-00000007",
		want: facts{"get": "403 SecurityTokenExpired", "ec": "0002-00000007"}},
	{id: "sts-wrong-token", what: "STS AccessKeyId with another security token", doc: "error centre 0002-00000006",
		want: facts{"get": "403 InvalidSecurityToken"}},
	{id: "sts-missing-token", what: "STS AccessKeyId without its security token", doc: "InvalidAccessKeyId with STS credentials (no SecurityToken)",
		want: facts{"get": "403 InvalidAccessKeyId"}},
	{id: "unknown-key", what: "an AccessKeyId the server does not know", doc: "InvalidAccessKeyId",
		want: facts{"get": "403 InvalidAccessKeyId"}},
}

// eventsRow is checked by the harness, not a client: the OSS events the
// column's writes fired, "<eventName> <size> <eTag>" per key.
var eventsRow = row{id: "events", what: "the OSS trigger event of each write (PutObject, CopyObject, presigned PUT, CompleteMultipartUpload)", doc: "OSS event notifications (Function Compute OSS trigger)",
	want: facts{
		"meta/a.txt":        "ObjectCreated:PutObject 11 " + strings.Trim(helloETag, `"`),
		"copy/a.txt":        "ObjectCreated:CopyObject 11 " + strings.Trim(helloETag, `"`),
		"presigned/put.txt": "ObjectCreated:PutObject 7 " + strings.ToUpper(md5Hex([]byte("via url"))),
		"mp/big.bin":        "ObjectCreated:CompleteMultipartUpload 204801 " + bigETag,
	}}
