package disk

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func objectSize(path string) int64 {
	o, err := openObjectFile(path)
	if err != nil {
		return 0
	}
	defer o.Close()
	return o.Meta.Size
}

// Object is an open, complete object: its metadata and a reader of its body.
// The open file keeps the bytes stable even if the key is overwritten.
type Object struct {
	Meta Meta
	f    *os.File
}

// Body returns a reader of the body bytes [off, off+n).
func (o *Object) Body(off, n int64) io.Reader { return io.NewSectionReader(o.f, off, n) }

// Close closes the object's file.
func (o *Object) Close() error { return o.f.Close() }

// Open opens the object key of bucket; ErrNotFound if there is none.
func (s *Store) Open(bucket, key string) (*Object, error) {
	o, err := openObjectFile(s.path(bucket, key))
	if err != nil {
		return nil, err
	}
	if o.Meta.Key != key { // a SHA-256 collision would be news
		o.Close()
		return nil, ErrNotFound
	}
	return o, nil
}

func openObjectFile(path string) (*Object, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: open object: %w", err)
	}
	meta, err := readMeta(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Object{Meta: meta, f: f}, nil
}

func readMeta(f *os.File) (Meta, error) {
	var meta Meta
	fi, err := f.Stat()
	if err != nil {
		return meta, fmt.Errorf("ossemu/disk: stat object: %w", err)
	}
	var tr [trailerLen]byte
	if fi.Size() < trailerLen {
		return meta, fmt.Errorf("ossemu/disk: object file %s: too short", f.Name())
	}
	if _, err := f.ReadAt(tr[:], fi.Size()-trailerLen); err != nil {
		return meta, fmt.Errorf("ossemu/disk: read trailer: %w", err)
	}
	n := int64(binary.BigEndian.Uint64(tr[:8]))
	if !bytes.Equal(tr[8:], []byte(objectMagic)) || n < 0 || n > fi.Size()-trailerLen {
		return meta, fmt.Errorf("ossemu/disk: object file %s: bad trailer", f.Name())
	}
	js := make([]byte, n)
	if _, err := f.ReadAt(js, fi.Size()-trailerLen-n); err != nil {
		return meta, fmt.Errorf("ossemu/disk: read meta: %w", err)
	}
	if err := json.Unmarshal(js, &meta); err != nil {
		return meta, fmt.Errorf("ossemu/disk: decode meta: %w", err)
	}
	if meta.Size != fi.Size()-trailerLen-n {
		return meta, fmt.Errorf("ossemu/disk: object file %s: size mismatch", f.Name())
	}
	return meta, nil
}

// Remove deletes the object key of bucket; a missing object is no error.
func (s *Store) Remove(bucket, key string) error {
	err := os.Remove(s.path(bucket, key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ossemu/disk: remove: %w", err)
	}
	return nil
}

// List returns the metadata of every object of bucket whose key starts with
// prefix, sorted by key.
func (s *Store) List(bucket, prefix string) ([]Meta, error) {
	d := filepath.Join(s.dir, bucket)
	entries, err := os.ReadDir(d)
	if err != nil {
		return nil, fmt.Errorf("ossemu/disk: list: %w", err)
	}
	var out []Meta
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TmpPrefix) || !e.Type().IsRegular() {
			continue
		}
		o, err := openObjectFile(filepath.Join(d, e.Name()))
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		o.Close()
		if strings.HasPrefix(o.Meta.Key, prefix) {
			out = append(out, o.Meta)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
