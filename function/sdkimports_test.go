package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestOSSSDKStaysInItsRooms parses the imports of every non-test Go file
// under function/: only the OSS client and the OSS record store import the
// OSS SDK; everything else reaches OSS through them.
func TestOSSSDKStaysInItsRooms(t *testing.T) {
	const sdk = "github.com/aliyun/aliyun-oss-go-sdk"
	rooms := []string{"internal/ossclient", "internal/records/ossstore"}
	var found, bad []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if p != sdk && !strings.HasPrefix(p, sdk+"/") {
				continue
			}
			found = append(found, path)
			if !slices.Contains(rooms, filepath.ToSlash(filepath.Dir(path))) {
				bad = append(bad, path+" imports "+p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatalf("no file under function/ imports %s: is the walk looking in the right place?", sdk)
	}
	for _, b := range bad {
		t.Errorf("%s: only %v may import the OSS SDK; use ossclient", b, rooms)
	}
}
