package ossclient

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Errors of the multipart calls, wrapped with OSS's own error.
var (
	// ErrNoSuchUpload: OSS knows no such upload id for that key (never
	// initiated, or already completed or aborted).
	ErrNoSuchUpload = errors.New("ossclient: no such multipart upload")
	// ErrExists: the key exists and the request forbade overwriting it.
	ErrExists = errors.New("ossclient: the object exists")
)

// Part is one stored part of a multipart upload.
type Part struct {
	Number int
	Size   int64
	ETag   string // as OSS lists it, quoted
}

// Pending is a multipart upload neither completed nor aborted.
type Pending struct {
	Key, UploadID string
	Initiated     time.Time
}

// Head is what a HEAD of an object says.
type Head struct {
	Size int64
	ETag string // as OSS sends it, quoted
	// Meta holds the object's x-oss-meta-* headers, by lower-case name.
	Meta map[string]string
}

// Initiation is what an object made by a multipart upload will carry.
type Initiation struct {
	ContentType        string
	ContentDisposition string            // "" leaves it unset
	Meta               map[string]string // full header names, x-oss-meta-*
	ForbidOverwrite    bool
}

// Multipart makes the multipart calls of ossgate on one bucket.
type Multipart struct {
	Bucket *oss.Bucket
}

// listPageSize is the most parts or uploads one listing call asks for, the
// most OSS answers.
const listPageSize = 1000

// Initiate starts a multipart upload of key and returns its upload id.
func (m Multipart) Initiate(key string, in Initiation) (string, error) {
	opts := []oss.Option{oss.ContentType(in.ContentType), oss.ForbidOverWrite(in.ForbidOverwrite)}
	if in.ContentDisposition != "" {
		opts = append(opts, oss.ContentDisposition(in.ContentDisposition))
	}
	for name, v := range in.Meta {
		opts = append(opts, oss.SetHeader(name, v))
	}
	res, err := m.Bucket.InitiateMultipartUpload(key, opts...)
	if err != nil {
		return "", wrap("initiate", err)
	}
	return res.UploadID, nil
}

// ListParts returns every stored part of upload id of key, in part number
// order, paging through ListParts.
func (m Multipart) ListParts(key, id string) ([]Part, error) {
	imur := oss.InitiateMultipartUploadResult{Bucket: m.Bucket.BucketName, Key: key, UploadID: id}
	var out []Part
	marker := 0
	for {
		res, err := m.Bucket.ListUploadedParts(imur, oss.MaxParts(listPageSize), oss.PartNumberMarker(marker))
		if err != nil {
			return nil, wrap("list parts", err)
		}
		for _, p := range res.UploadedParts {
			out = append(out, Part{Number: p.PartNumber, Size: int64(p.Size), ETag: p.ETag})
		}
		next, _ := strconv.Atoi(res.NextPartNumberMarker)
		if !res.IsTruncated || next <= marker {
			return out, nil
		}
		marker = next
	}
}

// Complete completes upload id of key with parts (ascending part numbers)
// and returns the object's ETag, quoted. With forbidOverwrite an existing
// key is ErrExists.
func (m Multipart) Complete(key, id string, parts []Part, forbidOverwrite bool) (string, error) {
	imur := oss.InitiateMultipartUploadResult{Bucket: m.Bucket.BucketName, Key: key, UploadID: id}
	list := make([]oss.UploadPart, len(parts))
	for i, p := range parts {
		list[i] = oss.UploadPart{PartNumber: p.Number, ETag: p.ETag}
	}
	res, err := m.Bucket.CompleteMultipartUpload(imur, list, oss.ForbidOverWrite(forbidOverwrite))
	if err != nil {
		return "", wrap("complete", err)
	}
	return res.ETag, nil
}

// Abort aborts upload id of key.
func (m Multipart) Abort(key, id string) error {
	imur := oss.InitiateMultipartUploadResult{Bucket: m.Bucket.BucketName, Key: key, UploadID: id}
	return wrap("abort", m.Bucket.AbortMultipartUpload(imur))
}

// Head returns what a HEAD of key says; a missing key is an error for which
// IsNotFound is true.
func (m Multipart) Head(key string) (Head, error) {
	h, err := m.Bucket.GetObjectDetailedMeta(key)
	if err != nil {
		return Head{}, fmt.Errorf("ossclient: head: %w", err)
	}
	size, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil {
		return Head{}, fmt.Errorf("ossclient: head: Content-Length %q", h.Get("Content-Length"))
	}
	return Head{Size: size, ETag: h.Get("ETag"), Meta: metaOf(h)}, nil
}

// Pending calls visit with every multipart upload under prefix, a page at a
// time (at most 1,000 uploads), until the listing ends or visit returns
// false.
func (m Multipart) Pending(prefix string, visit func([]Pending) bool) error {
	keyMarker, idMarker := "", ""
	for {
		res, err := m.Bucket.ListMultipartUploads(oss.Prefix(prefix), oss.MaxUploads(listPageSize),
			oss.KeyMarker(keyMarker), oss.UploadIDMarker(idMarker))
		if err != nil {
			return wrap("list uploads", err)
		}
		page := make([]Pending, len(res.Uploads))
		for i, u := range res.Uploads {
			page[i] = Pending{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated}
		}
		if !visit(page) || !res.IsTruncated || (res.NextKeyMarker == keyMarker && res.NextUploadIDMarker == idMarker) {
			return nil
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

// wrap adds the call's name to err and marks OSS's NoSuchUpload and
// FileAlreadyExists answers with ErrNoSuchUpload and ErrExists.
func wrap(call string, err error) error {
	if err == nil {
		return nil
	}
	var se oss.ServiceError
	switch {
	case errors.As(err, &se) && se.Code == "NoSuchUpload":
		return fmt.Errorf("ossclient: %s: %w: %w", call, ErrNoSuchUpload, err)
	case errors.As(err, &se) && (se.Code == "FileAlreadyExists" || se.StatusCode == http.StatusConflict && se.Code == ""):
		return fmt.Errorf("ossclient: %s: %w: %w", call, ErrExists, err)
	}
	return fmt.Errorf("ossclient: %s: %w", call, err)
}
