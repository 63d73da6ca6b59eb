// Package disk is the local OSS emulator's storage: objects and multipart
// uploads as files under one data directory, each written to a temp file,
// fsynced and renamed into place, so that what a reader sees is whole or
// absent. It knows nothing of HTTP; the handlers in package ossemu decide
// what a request may do and call it.
package disk

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
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
	Key          string            `json:"key"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"`           // uppercase hex MD5 (multipart: MD5 of the part MD5s, "-<n>"), no quotes
	Type         string            `json:"type,omitempty"` // x-oss-object-type; "" is Normal
	CRC64        uint64            `json:"crc64"`
	ContentType  string            `json:"contentType"`
	UserMeta     map[string]string `json:"userMeta,omitempty"` // lower-case x-oss-meta-* names
	Headers      map[string]string `json:"headers,omitempty"`  // Cache-Control, Content-Disposition...
	Tags         map[string]string `json:"tags,omitempty"`
	ACL          string            `json:"acl,omitempty"`     // x-oss-object-acl; "" is default
	SSE          string            `json:"sse,omitempty"`     // x-oss-server-side-encryption, recorded only
	SSEData      string            `json:"sseData,omitempty"` // x-oss-server-side-data-encryption
	SSEKeyID     string            `json:"sseKeyId,omitempty"`
	ContentMD5   string            `json:"contentMd5,omitempty"` // base64 MD5 of a multipart object uploaded with ?sequential
	LastModified time.Time         `json:"lastModified"`
}

// Store keeps the objects and uploads of the configured buckets under one
// directory.
type Store struct {
	dir string
}

// ErrNotFound reports a missing object.
var ErrNotFound = errors.New("ossemu: object not found")

// ErrExists reports a forbidden overwrite.
var ErrExists = errors.New("ossemu: object exists")

// New creates the bucket directories under dir and removes the temp files a
// previous run left there, keeping complete objects and live uploads.
func New(dir string, buckets []string) (*Store, error) {
	for _, b := range buckets {
		d := filepath.Join(dir, b)
		if err := os.MkdirAll(filepath.Join(d, UploadsDir), 0o755); err != nil {
			return nil, fmt.Errorf("ossemu: create bucket dir: %w", err)
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
		return fmt.Errorf("ossemu: read dir: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TmpPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("ossemu: remove temp file: %w", err)
			}
		}
	}
	return nil
}

func (s *Store) path(bucket, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.dir, bucket, hex.EncodeToString(sum[:]))
}

// Pending is an object (or part) being written: a temp file that counts and
// hashes what is written to it and refuses to grow past limit bytes.
type Pending struct {
	f     *os.File
	md5   hash.Hash
	crc   hash.Hash64
	n     int64
	limit int64
}

// ErrLimit is returned by Pending.Write past the size limit.
var ErrLimit = errors.New("ossemu: object size limit exceeded")

// Create starts a pending object of bucket of at most limit bytes.
func (s *Store) Create(bucket string, limit int64) (*Pending, error) {
	return createIn(filepath.Join(s.dir, bucket), limit)
}

// createIn starts a pending file in dir.
func createIn(dir string, limit int64) (*Pending, error) {
	f, err := os.CreateTemp(dir, TmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("ossemu: create temp: %w", err)
	}
	return &Pending{f: f, md5: md5.New(), crc: crc64.New(crcTable), limit: limit}, nil
}

func (p *Pending) Write(b []byte) (int, error) {
	if p.n+int64(len(b)) > p.limit {
		return 0, ErrLimit
	}
	n, err := p.f.Write(b)
	p.n += int64(n)
	if p.md5 != nil {
		p.md5.Write(b[:n])
	}
	p.crc.Write(b[:n])
	return n, err
}

// Size is the number of bytes written so far.
func (p *Pending) Size() int64 { return p.n }

// MD5 is the binary MD5 of what was written (nil after SkipMD5).
func (p *Pending) MD5() []byte {
	if p.md5 == nil {
		return nil
	}
	return p.md5.Sum(nil)
}

// SkipMD5 stops hashing: the object's ETag will not be its body's MD5 (a
// multipart object), so Commit needs a Meta with its ETag set.
func (p *Pending) SkipMD5() { p.md5 = nil }

// ETag is the upper-case hex MD5 of what was written ("" after SkipMD5).
func (p *Pending) ETag() string {
	if p.md5 == nil {
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(p.md5.Sum(nil)))
}

// Abort removes the temp file; it is safe to call after Commit.
func (p *Pending) Abort() {
	p.f.Close()
	os.Remove(p.f.Name())
}

// Commit completes meta (size, CRC, and the ETag unless meta has one: a
// retagged or multipart object keeps its own), appends it, fsyncs and renames the
// file into place. With noOverwrite it fails with ErrExists instead of
// replacing an existing object. It returns the size of the object it
// replaced (0 if none).
func (p *Pending) Commit(s *Store, bucket string, meta *Meta, noOverwrite bool) (int64, error) {
	defer p.Abort()
	meta.Size = p.n
	if meta.ETag == "" {
		meta.ETag = p.ETag()
	}
	meta.CRC64 = p.crc.Sum64()
	if err := p.finish(meta); err != nil {
		return 0, err
	}
	dst := s.path(bucket, meta.Key)
	var prev int64
	if _, err := os.Stat(dst); err == nil {
		prev = objectSize(dst)
	}
	if noOverwrite {
		// link fails if dst exists: an atomic create-if-absent.
		if err := os.Link(p.f.Name(), dst); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return 0, ErrExists
			}
			return 0, fmt.Errorf("ossemu: link: %w", err)
		}
		return prev, syncDir(filepath.Dir(dst))
	}
	if err := os.Rename(p.f.Name(), dst); err != nil {
		return 0, fmt.Errorf("ossemu: rename: %w", err)
	}
	return prev, syncDir(filepath.Dir(dst))
}

// finish appends meta and the trailer to the temp file and fsyncs it.
func (p *Pending) finish(meta *Meta) error {
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("ossemu: encode meta: %w", err)
	}
	var tr [trailerLen]byte
	binary.BigEndian.PutUint64(tr[:8], uint64(len(js)))
	copy(tr[8:], objectMagic)
	if _, err := p.f.Write(append(js, tr[:]...)); err != nil {
		return fmt.Errorf("ossemu: write meta: %w", err)
	}
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("ossemu: sync: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ossemu: open dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ossemu: sync dir: %w", err)
	}
	return nil
}
