package disk

import (
	"crypto/md5"
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
)

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
var ErrLimit = errors.New("ossemu/disk: object size limit exceeded")

// Create starts a pending object of bucket of at most limit bytes.
func (s *Store) Create(bucket string, limit int64) (*Pending, error) {
	return createIn(filepath.Join(s.dir, bucket), limit)
}

// createIn starts a pending file in dir.
func createIn(dir string, limit int64) (*Pending, error) {
	f, err := os.CreateTemp(dir, TmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: create temp: %w", err)
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
			return 0, fmt.Errorf("ossemu/disk: link: %w", err)
		}
		return prev, syncDir(filepath.Dir(dst))
	}
	if err := os.Rename(p.f.Name(), dst); err != nil {
		return 0, fmt.Errorf("ossemu/disk: rename: %w", err)
	}
	return prev, syncDir(filepath.Dir(dst))
}

// finish appends meta and the trailer to the temp file and fsyncs it.
func (p *Pending) finish(meta *Meta) error {
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("ossemu/disk: encode meta: %w", err)
	}
	var tr [trailerLen]byte
	binary.BigEndian.PutUint64(tr[:8], uint64(len(js)))
	copy(tr[8:], objectMagic)
	if _, err := p.f.Write(append(js, tr[:]...)); err != nil {
		return fmt.Errorf("ossemu/disk: write meta: %w", err)
	}
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("ossemu/disk: sync: %w", err)
	}
	return nil
}
