// Package disk is the local OSS emulator's storage: objects and multipart
// uploads as files under one data directory, each written to a temp file,
// fsynced and renamed into place, so that what a reader sees is whole or
// absent. It knows nothing of HTTP; the handlers in package ossemu decide
// what a request may do and call it.
package disk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// On disk, a bucket is the directory DataDir/<bucket>; an object is one file
// in it, named by the SHA-256 of its key, laid out as
//
//	body | metadata JSON | uint64 big-endian length of the JSON | "OSSEMU01"
//
// A file is written under a ".tmp-" name in the same directory, fsynced and
// then renamed into place, so an object is either wholly visible (body and
// metadata together) or not at all. New removes leftover temp files.

const (
	// TmpPrefix starts the name of every temp file and claimed upload
	// directory; New removes what a crash left behind.
	TmpPrefix   = ".tmp-"
	trailerLen  = 16
	objectMagic = "OSSEMU01"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// Meta is everything OSS knows about an object besides its bytes.
type Meta struct {
	Key           string            `json:"key"`
	Size          int64             `json:"size"`
	ETag          string            `json:"etag"`           // uppercase hex MD5 (multipart: MD5 of the part MD5s, "-<n>"), no quotes
	Type          string            `json:"type,omitempty"` // x-oss-object-type; "" is Normal
	CRC64         uint64            `json:"crc64"`
	ContentType   string            `json:"contentType"`
	UserMeta      map[string]string `json:"userMeta,omitempty"` // lower-case x-oss-meta-* names
	Headers       map[string]string `json:"headers,omitempty"`  // Cache-Control, Content-Disposition...
	Tags          map[string]string `json:"tags,omitempty"`
	ACL           string            `json:"acl,omitempty"`     // x-oss-object-acl; "" is default
	SSE           string            `json:"sse,omitempty"`     // x-oss-server-side-encryption, recorded only
	SSEData       string            `json:"sseData,omitempty"` // x-oss-server-side-data-encryption
	SSEKeyID      string            `json:"sseKeyId,omitempty"`
	ContentMD5    string            `json:"contentMd5,omitempty"`    // base64 MD5 of a multipart object uploaded with ?sequential
	StorageClass  string            `json:"storageClass,omitempty"`  // x-oss-storage-class; "" is Standard
	SymlinkTarget string            `json:"symlinkTarget,omitempty"` // the key a Type "Symlink" object points to
	LastModified  time.Time         `json:"lastModified"`
}

// Store keeps the objects and uploads of the configured buckets under one
// directory.
type Store struct {
	dir string
}

// ErrNotFound reports a missing object.
var ErrNotFound = errors.New("ossemu/disk: object not found")

// ErrExists reports a forbidden overwrite.
var ErrExists = errors.New("ossemu/disk: object exists")

// New creates the bucket directories under dir and removes the temp files a
// previous run left there, keeping complete objects and live uploads.
func New(dir string, buckets []string) (*Store, error) {
	for _, b := range buckets {
		d := filepath.Join(dir, b)
		if err := os.MkdirAll(filepath.Join(d, UploadsDir), 0o755); err != nil {
			return nil, fmt.Errorf("ossemu/disk: create bucket dir: %w", err)
		}
		if err := removeTemps(d); err != nil {
			return nil, err
		}
		if err := removeUploadTemps(filepath.Join(d, UploadsDir)); err != nil {
			return nil, err
		}
	}
	return &Store{dir: dir}, nil
}

// removeTemps removes every temp file (or claimed directory) directly in dir.
// A file or directory that vanishes meanwhile is not an error: a server
// that is still shutting down over the same data directory (a restart)
// may remove its own temp files, or an upload's directory, at the same time.
func removeTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("ossemu/disk: read dir: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TmpPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("ossemu/disk: remove temp file: %w", err)
			}
		}
	}
	return nil
}

func (s *Store) path(bucket, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.dir, bucket, hex.EncodeToString(sum[:]))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ossemu/disk: open dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ossemu/disk: sync dir: %w", err)
	}
	return nil
}
