package disk

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Multipart uploads live under DataDir/<bucket>/.uploads/<uploadId>/: the
// file "upload" (the key, initiation time and the metadata the object will
// get, JSON) and one file per part, "part-00001" ..., each in the object file
// layout (body, metadata, trailer) and written the same way (temp file,
// fsync, rename), so a part is whole or absent. Completing or aborting an
// upload first renames its directory to a temp name (only one caller can),
// which makes the upload invisible at once; New removes such leftovers.

const (
	// UploadsDir is the directory of a bucket's multipart uploads.
	UploadsDir = ".uploads"
	uploadFile = "upload"
)

// ErrNoSuchUpload reports an unknown, aborted or completed upload.
var ErrNoSuchUpload = errors.New("ossemu/disk: no such upload")

// Upload is one multipart upload in progress.
type Upload struct {
	Key        string    `json:"key"`
	ID         string    `json:"id"`
	Initiated  time.Time `json:"initiated"`
	Meta       Meta      `json:"meta"`                 // the object's metadata (no size, ETag or CRC yet)
	Forbid     bool      `json:"forbid"`               // x-oss-forbid-overwrite at initiation
	Sequential bool      `json:"sequential,omitempty"` // ?sequential at initiation: the object gets a Content-MD5
}

// Part is the metadata of one uploaded part.
type Part struct {
	Number       int
	Size         int64
	ETag         string // upper-case hex MD5, no quotes
	CRC64        uint64
	LastModified time.Time
	path         string
}

func (s *Store) uploadsPath(bucket string) string { return filepath.Join(s.dir, bucket, UploadsDir) }

func (s *Store) uploadPath(bucket, id string) string {
	return filepath.Join(s.uploadsPath(bucket), id)
}

// newUploadID returns 32 upper-case hex digits, the shape of OSS upload ids.
func newUploadID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// validUploadID keeps ids from naming anything but an upload directory.
func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToUpper(id) == id
}

// CreateUpload records a new upload of u.Key and fills u.ID.
func (s *Store) CreateUpload(bucket string, u *Upload) error {
	u.ID = newUploadID()
	dir := s.uploadPath(bucket, u.ID)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("ossemu/disk: create upload: %w", err)
	}
	js, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("ossemu/disk: encode upload: %w", err)
	}
	tmp := filepath.Join(dir, TmpPrefix+uploadFile)
	if err := os.WriteFile(tmp, js, 0o644); err != nil {
		return fmt.Errorf("ossemu/disk: write upload: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, uploadFile)); err != nil {
		return fmt.Errorf("ossemu/disk: write upload: %w", err)
	}
	return syncDir(dir)
}

// readUpload reads the upload record in dir.
func readUpload(dir string) (*Upload, error) {
	js, err := os.ReadFile(filepath.Join(dir, uploadFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: read upload: %w", err)
	}
	var u Upload
	if err := json.Unmarshal(js, &u); err != nil {
		return nil, fmt.Errorf("ossemu/disk: decode upload: %w", err)
	}
	return &u, nil
}

// Upload returns the upload id of key in bucket, ErrNoSuchUpload if there is
// none (or it belongs to another key).
func (s *Store) Upload(bucket, key, id string) (*Upload, error) {
	if !validUploadID(id) {
		return nil, ErrNoSuchUpload
	}
	u, err := readUpload(s.uploadPath(bucket, id))
	if err == nil && u.Key != key {
		return nil, ErrNoSuchUpload
	}
	return u, err
}

// partPath is the file of part n in the upload directory dir.
func partPath(dir string, n int) string { return filepath.Join(dir, fmt.Sprintf("part-%05d", n)) }

// CreatePart starts a part of at most limit bytes in upload id's directory;
// ErrNoSuchUpload when the upload is gone.
func (s *Store) CreatePart(bucket, id string, limit int64) (*Pending, error) {
	if !validUploadID(id) {
		return nil, ErrNoSuchUpload
	}
	p, err := createIn(s.uploadPath(bucket, id), limit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSuchUpload
	}
	return p, err
}

// CommitPart makes p part n of upload id, replacing an earlier part n. It
// fails with ErrNoSuchUpload when the upload was completed or aborted
// meanwhile.
func (s *Store) CommitPart(p *Pending, bucket, id string, n int, now time.Time) (Part, error) {
	defer p.Abort()
	meta := Meta{Size: p.n, ETag: p.ETag(), CRC64: p.crc.Sum64(), LastModified: now}
	if err := p.finish(&meta); err != nil {
		return Part{}, err
	}
	dir := s.uploadPath(bucket, id)
	if err := os.Rename(p.f.Name(), partPath(dir, n)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Part{}, ErrNoSuchUpload
		}
		return Part{}, fmt.Errorf("ossemu/disk: rename part: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return Part{}, err
	}
	return Part{Number: n, Size: meta.Size, ETag: meta.ETag, CRC64: meta.CRC64, LastModified: now}, nil
}

// Parts lists the parts of upload id by number.
func (s *Store) Parts(bucket, id string) ([]Part, error) {
	if !validUploadID(id) {
		return nil, ErrNoSuchUpload
	}
	return parts(s.uploadPath(bucket, id))
}

// parts lists the parts in the upload directory dir by number.
func parts(dir string) ([]Part, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: list parts: %w", err)
	}
	var out []Part
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "part-%05d", &n); err != nil || e.Name() != fmt.Sprintf("part-%05d", n) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		o, err := openObjectFile(path)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		o.Close()
		out = append(out, Part{Number: n, Size: o.Meta.Size, ETag: o.Meta.ETag, CRC64: o.Meta.CRC64, LastModified: o.Meta.LastModified, path: path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// ListUploads returns the uploads of bucket whose key has prefix, sorted by
// key, then upload id, the order OSS lists them in (alibabacloud-oss-go-sdk-v2
// oss/client_integration_object_multipart_test.go TestListMultipartUploads
// expects it of OSS).
func (s *Store) ListUploads(bucket, prefix string) ([]*Upload, error) {
	entries, err := os.ReadDir(s.uploadsPath(bucket))
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: list uploads: %w", err)
	}
	var out []*Upload
	for _, e := range entries {
		if !validUploadID(e.Name()) {
			continue
		}
		u, err := readUpload(filepath.Join(s.uploadsPath(bucket), e.Name()))
		if errors.Is(err, ErrNoSuchUpload) {
			continue // completed or aborted meanwhile
		}
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(u.Key, prefix) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.ID < b.ID
	})
	return out, nil
}

// removeUploadTemps removes temp files and claimed directories under the
// uploads directory and in every upload directory (left by a crash).
func removeUploadTemps(dir string) error {
	if err := removeTemps(dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("ossemu/disk: read uploads: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := removeTemps(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
