package ossemu

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
	tmpPrefix   = ".tmp-"
	trailerLen  = 16
	objectMagic = "OSSEMU01"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// objectMeta is everything OSS knows about an object besides its bytes.
type objectMeta struct {
	Key          string            `json:"key"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // uppercase hex MD5, no quotes
	CRC64        uint64            `json:"crc64"`
	ContentType  string            `json:"contentType"`
	UserMeta     map[string]string `json:"userMeta,omitempty"` // lower-case x-oss-meta-* names
	Headers      map[string]string `json:"headers,omitempty"`  // Cache-Control, Content-Disposition...
	Tags         map[string]string `json:"tags,omitempty"`
	LastModified time.Time         `json:"lastModified"`
}

// store keeps the objects of the configured buckets under one directory.
type store struct {
	dir string
}

// errNotFound reports a missing object.
var errNotFound = errors.New("ossemu: object not found")

// errExists reports a forbidden overwrite.
var errExists = errors.New("ossemu: object exists")

func openStore(dir string, buckets []string) (*store, error) {
	for _, b := range buckets {
		d := filepath.Join(dir, b)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("ossemu: create bucket dir: %w", err)
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("ossemu: read bucket dir: %w", err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tmpPrefix) {
				if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
					return nil, fmt.Errorf("ossemu: remove temp file: %w", err)
				}
			}
		}
	}
	return &store{dir: dir}, nil
}

func (s *store) path(bucket, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.dir, bucket, hex.EncodeToString(sum[:]))
}

// pending is an object being written: a temp file that counts and hashes
// what is written to it and refuses to grow past limit bytes.
type pending struct {
	f     *os.File
	md5   hash.Hash
	crc   hash.Hash64
	n     int64
	limit int64
}

// errLimit is returned by pending.Write past the size limit.
var errLimit = errors.New("ossemu: object size limit exceeded")

func (s *store) create(bucket string, limit int64) (*pending, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, bucket), tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("ossemu: create temp: %w", err)
	}
	return &pending{f: f, md5: md5.New(), crc: crc64.New(crcTable), limit: limit}, nil
}

func (p *pending) Write(b []byte) (int, error) {
	if p.n+int64(len(b)) > p.limit {
		return 0, errLimit
	}
	n, err := p.f.Write(b)
	p.n += int64(n)
	p.md5.Write(b[:n])
	p.crc.Write(b[:n])
	return n, err
}

// abort removes the temp file; it is safe to call after commit.
func (p *pending) abort() {
	p.f.Close()
	os.Remove(p.f.Name())
}

// commit completes meta (size, ETag, CRC), appends it, fsyncs and renames the
// file into place. With noOverwrite it fails with errExists instead of
// replacing an existing object. It returns the size of the object it
// replaced (0 if none).
func (p *pending) commit(s *store, bucket string, meta *objectMeta, noOverwrite bool) (int64, error) {
	defer p.abort()
	meta.Size = p.n
	meta.ETag = strings.ToUpper(hex.EncodeToString(p.md5.Sum(nil)))
	meta.CRC64 = p.crc.Sum64()
	js, err := json.Marshal(meta)
	if err != nil {
		return 0, fmt.Errorf("ossemu: encode meta: %w", err)
	}
	var tr [trailerLen]byte
	binary.BigEndian.PutUint64(tr[:8], uint64(len(js)))
	copy(tr[8:], objectMagic)
	if _, err := p.f.Write(append(js, tr[:]...)); err != nil {
		return 0, fmt.Errorf("ossemu: write meta: %w", err)
	}
	if err := p.f.Sync(); err != nil {
		return 0, fmt.Errorf("ossemu: sync: %w", err)
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
				return 0, errExists
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
