package ossemu

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
	uploadsDir  = ".uploads"
	uploadFile  = "upload"
	maxPartNum  = 10000
	minPartSize = 100 << 10 // every part but the last: 100 KB
)

// errNoSuchUpload reports an unknown, aborted or completed upload.
var errNoSuchUpload = errors.New("ossemu: no such upload")

// upload is one multipart upload in progress.
type upload struct {
	Key       string     `json:"key"`
	ID        string     `json:"id"`
	Initiated time.Time  `json:"initiated"`
	Meta      objectMeta `json:"meta"`   // the object's metadata (no size, ETag or CRC yet)
	Forbid    bool       `json:"forbid"` // x-oss-forbid-overwrite at initiation
}

// part is the metadata of one uploaded part.
type part struct {
	Number       int
	Size         int64
	ETag         string // upper-case hex MD5, no quotes
	CRC64        uint64
	LastModified time.Time
	path         string
}

func (s *store) uploadsPath(bucket string) string { return filepath.Join(s.dir, bucket, uploadsDir) }

func (s *store) uploadPath(bucket, id string) string {
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

// createUpload records a new upload of u.Key and fills u.ID.
func (s *store) createUpload(bucket string, u *upload) error {
	u.ID = newUploadID()
	dir := s.uploadPath(bucket, u.ID)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("ossemu: create upload: %w", err)
	}
	js, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("ossemu: encode upload: %w", err)
	}
	tmp := filepath.Join(dir, tmpPrefix+uploadFile)
	if err := os.WriteFile(tmp, js, 0o644); err != nil {
		return fmt.Errorf("ossemu: write upload: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, uploadFile)); err != nil {
		return fmt.Errorf("ossemu: write upload: %w", err)
	}
	return syncDir(dir)
}

// readUpload reads the upload record in dir.
func readUpload(dir string) (*upload, error) {
	js, err := os.ReadFile(filepath.Join(dir, uploadFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoSuchUpload
	}
	if err != nil {
		return nil, fmt.Errorf("ossemu: read upload: %w", err)
	}
	var u upload
	if err := json.Unmarshal(js, &u); err != nil {
		return nil, fmt.Errorf("ossemu: decode upload: %w", err)
	}
	return &u, nil
}

// upload returns the upload id of key in bucket, errNoSuchUpload if there is
// none (or it belongs to another key).
func (s *store) upload(bucket, key, id string) (*upload, error) {
	if !validUploadID(id) {
		return nil, errNoSuchUpload
	}
	u, err := readUpload(s.uploadPath(bucket, id))
	if err == nil && u.Key != key {
		return nil, errNoSuchUpload
	}
	return u, err
}

// partPath is the file of part n in the upload directory dir.
func partPath(dir string, n int) string { return filepath.Join(dir, fmt.Sprintf("part-%05d", n)) }

// commitPart makes p part n of upload id, replacing an earlier part n. It
// fails with errNoSuchUpload when the upload was completed or aborted
// meanwhile.
func (s *store) commitPart(p *pending, bucket, id string, n int, now time.Time) (part, error) {
	defer p.abort()
	meta := objectMeta{Size: p.n, ETag: p.etag(), CRC64: p.crc.Sum64(), LastModified: now}
	if err := p.finish(&meta); err != nil {
		return part{}, err
	}
	dir := s.uploadPath(bucket, id)
	if err := os.Rename(p.f.Name(), partPath(dir, n)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return part{}, errNoSuchUpload
		}
		return part{}, fmt.Errorf("ossemu: rename part: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return part{}, err
	}
	return part{Number: n, Size: meta.Size, ETag: meta.ETag, CRC64: meta.CRC64, LastModified: now}, nil
}

// parts lists the parts in the upload directory dir by number.
func parts(dir string) ([]part, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoSuchUpload
	}
	if err != nil {
		return nil, fmt.Errorf("ossemu: list parts: %w", err)
	}
	var out []part
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "part-%05d", &n); err != nil || e.Name() != fmt.Sprintf("part-%05d", n) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		o, err := openObjectFile(path)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		o.Close()
		out = append(out, part{Number: n, Size: o.meta.Size, ETag: o.meta.ETag, CRC64: o.meta.CRC64, LastModified: o.meta.LastModified, path: path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// claimUpload renames the directory of upload id to a temp name and returns
// it: from then on the upload is invisible to every other request. Exactly
// one of several concurrent claims succeeds; the others get errNoSuchUpload.
func (s *store) claimUpload(bucket, id string) (string, error) {
	if !validUploadID(id) {
		return "", errNoSuchUpload
	}
	claimed := filepath.Join(s.uploadsPath(bucket), tmpPrefix+id)
	if err := os.Rename(s.uploadPath(bucket, id), claimed); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errNoSuchUpload
		}
		return "", fmt.Errorf("ossemu: claim upload: %w", err)
	}
	return claimed, nil
}

// unclaimUpload gives a claimed upload back (a refused completion).
func (s *store) unclaimUpload(bucket, id, claimed string) error {
	if err := os.Rename(claimed, s.uploadPath(bucket, id)); err != nil {
		return fmt.Errorf("ossemu: release upload: %w", err)
	}
	return nil
}

// listUploads returns the uploads of bucket whose key has prefix, sorted by
// key, then initiation time, then id.
func (s *store) listUploads(bucket, prefix string) ([]*upload, error) {
	entries, err := os.ReadDir(s.uploadsPath(bucket))
	if err != nil {
		return nil, fmt.Errorf("ossemu: list uploads: %w", err)
	}
	var out []*upload
	for _, e := range entries {
		if !validUploadID(e.Name()) {
			continue
		}
		u, err := readUpload(filepath.Join(s.uploadsPath(bucket), e.Name()))
		if errors.Is(err, errNoSuchUpload) {
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
		if !a.Initiated.Equal(b.Initiated) {
			return a.Initiated.Before(b.Initiated)
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
		return fmt.Errorf("ossemu: read uploads: %w", err)
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
