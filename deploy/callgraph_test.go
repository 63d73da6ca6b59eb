package deploy

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// This file finds, by static analysis of the function binary's source, which
// OSS SDK methods each function can reach: every module package is type
// checked from source (dependencies from `go list -export` data), a call
// graph is built from every function or method a body refers to (function
// literals count as part of their enclosing declaration), and a call through
// an interface method reaches every method of every module type, and of the
// SDK's oss.Bucket, that implements the interface. The result
// over-approximates what the code may call, never under-approximates it.

const (
	modulePath = "github.com/ossgate/ossgate"
	ossPkg     = "github.com/aliyun/aliyun-oss-go-sdk/oss"
)

type goPackage struct {
	ImportPath, Dir, Export string
	GoFiles                 []string
	Module                  *struct{ Path string }
}

// program is the type-checked module part of the function binary.
type program struct {
	pkgs  map[string]*types.Package
	edges map[*types.Func][]*types.Func
	named []types.Type // every named type declared in the module, plus oss.Bucket
	// always holds what runs or is referenced whatever the entry: init
	// functions and the functions package-level declarations refer to.
	always []*types.Func
}

func loadProgram(t *testing.T) *program {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-export", "-json=ImportPath,Dir,Export,GoFiles,Module", "./function")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var list []goPackage
	exports := map[string]string{}
	for dec := json.NewDecoder(strings.NewReader(string(out))); ; {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	gc := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })
	prog := &program{pkgs: map[string]*types.Package{}, edges: map[*types.Func][]*types.Func{}}
	imp := importerFunc(func(path string) (*types.Package, error) {
		if p, ok := prog.pkgs[path]; ok {
			return p, nil
		}
		return gc.Import(path)
	})
	for _, p := range list { // go list -deps lists dependencies first
		if p.Module == nil || p.Module.Path != modulePath {
			continue
		}
		prog.check(t, fset, imp, p)
	}
	bucket, err := imp.Import(ossPkg)
	if err != nil {
		t.Fatal(err)
	}
	prog.named = append(prog.named, bucket.Scope().Lookup("Bucket").Type())
	return prog
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func (prog *program) check(t *testing.T, fset *token.FileSet, imp types.Importer, p goPackage) {
	t.Helper()
	var files []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	pkg, err := (&types.Config{Importer: imp}).Check(p.ImportPath, fset, files, info)
	if err != nil {
		t.Fatalf("type-check %s: %v", p.ImportPath, err)
	}
	prog.pkgs[p.ImportPath] = pkg
	for _, name := range pkg.Scope().Names() {
		if tn, ok := pkg.Scope().Lookup(name).(*types.TypeName); ok && !tn.IsAlias() {
			prog.named = append(prog.named, tn.Type())
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				prog.always = append(prog.always, refs(info, d)...)
				continue
			}
			if fd.Body == nil {
				continue
			}
			from := info.Defs[fd.Name].(*types.Func)
			prog.edges[from] = append(prog.edges[from], refs(info, fd.Body)...)
			if fd.Recv == nil && fd.Name.Name == "init" {
				prog.always = append(prog.always, from)
			}
		}
	}
}

// refs returns the functions and methods node refers to.
func refs(info *types.Info, node ast.Node) []*types.Func {
	var out []*types.Func
	ast.Inspect(node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if fn, ok := info.Uses[id].(*types.Func); ok {
				out = append(out, fn.Origin())
			}
		}
		return true
	})
	return out
}

// implementations returns the concrete methods an interface method m may
// dispatch to.
func (prog *program) implementations(m *types.Func) []*types.Func {
	iface, ok := m.Type().(*types.Signature).Recv().Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []*types.Func
	for _, nt := range prog.named {
		if types.IsInterface(nt) {
			continue
		}
		for _, typ := range []types.Type{nt, types.NewPointer(nt)} {
			if !types.Implements(typ, iface) {
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(typ, true, m.Pkg(), m.Name())
			if fn, ok := obj.(*types.Func); ok {
				out = append(out, fn)
			}
			break
		}
	}
	return out
}

// reach returns the full names (types.Func.FullName) of every function
// reachable from the function entry of package pkg: module functions, and
// the functions outside the module they call (not followed further).
func (prog *program) reach(t *testing.T, pkg, entry string) []string {
	t.Helper()
	p, ok := prog.pkgs[pkg]
	if !ok {
		t.Fatalf("package %s not loaded", pkg)
	}
	start, ok := p.Scope().Lookup(entry).(*types.Func)
	if !ok {
		t.Fatalf("%s.%s: not a function", pkg, entry)
	}
	seen := map[*types.Func]bool{}
	reached := map[string]bool{}
	queue := append([]*types.Func{start}, prog.always...)
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		if seen[fn] {
			continue
		}
		seen[fn] = true
		reached[fn.FullName()] = true
		if fn.Pkg() == nil || !strings.HasPrefix(fn.Pkg().Path(), modulePath) {
			if sig := fn.Type().(*types.Signature); sig.Recv() == nil || !types.IsInterface(sig.Recv().Type()) {
				continue
			}
		}
		queue = append(queue, prog.edges[fn]...)
		if sig := fn.Type().(*types.Signature); sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
			queue = append(queue, prog.implementations(fn)...)
		}
	}
	out := make([]string, 0, len(reached))
	for n := range reached {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
