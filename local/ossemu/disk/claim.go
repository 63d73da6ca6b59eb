package disk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Claim is an upload taken out of sight by ClaimUpload: its parts are read,
// then it is either removed (completed, aborted) or released.
type Claim struct {
	s          *Store
	bucket, id string
	dir        string
}

// ClaimUpload renames the directory of upload id to a temp name: from then
// on the upload is invisible to every other request. Exactly one of several
// concurrent claims succeeds; the others get ErrNoSuchUpload.
func (s *Store) ClaimUpload(bucket, id string) (*Claim, error) {
	if !validUploadID(id) {
		return nil, ErrNoSuchUpload
	}
	claimed := filepath.Join(s.uploadsPath(bucket), TmpPrefix+id)
	if err := os.Rename(s.uploadPath(bucket, id), claimed); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoSuchUpload
		}
		return nil, fmt.Errorf("ossemu/disk: claim upload: %w", err)
	}
	return &Claim{s: s, bucket: bucket, id: id, dir: claimed}, nil
}

// Parts lists the claimed upload's parts by number.
func (c *Claim) Parts() ([]Part, error) { return parts(c.dir) }

// Release gives the upload back (a refused completion).
func (c *Claim) Release() error {
	if err := os.Rename(c.dir, c.s.uploadPath(c.bucket, c.id)); err != nil {
		return fmt.Errorf("ossemu/disk: release upload: %w", err)
	}
	return nil
}

// Remove deletes the claimed upload and its parts.
func (c *Claim) Remove() error {
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("ossemu/disk: remove upload: %w", err)
	}
	return nil
}

// Open opens the part's file; its body is the part's bytes.
func (p Part) Open() (*Object, error) { return openObjectFile(p.path) }
