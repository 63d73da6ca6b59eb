package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// signMethods returns the HTTP methods the sign function's package names
// (net/http's Method constants in its non-test files): the methods it serves.
func signMethods(t *testing.T) []string {
	t.Helper()
	known := map[string]string{
		"MethodGet": http.MethodGet, "MethodHead": http.MethodHead, "MethodPost": http.MethodPost,
		"MethodPut": http.MethodPut, "MethodPatch": http.MethodPatch, "MethodDelete": http.MethodDelete,
		"MethodOptions": http.MethodOptions, "MethodConnect": http.MethodConnect, "MethodTrace": http.MethodTrace,
	}
	set := map[string]bool{}
	inspectSignSources(t, func(n ast.Node) {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "http" && known[sel.Sel.Name] != "" {
				set[known[sel.Sel.Name]] = true
			}
		}
	})
	return keys(set)
}

// inspectSignSources calls visit for every node of the non-test Go files of
// function/internal/sign.
func inspectSignSources(t *testing.T, visit func(ast.Node)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "function", "internal", "sign", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			visit(n)
			return true
		})
	}
}

func TestHTTPTriggerMethods(t *testing.T) {
	want := signMethods(t)
	if len(want) == 0 {
		t.Fatal("function/internal/sign names no HTTP method")
	}
	var got []string
	for _, tr := range function(t, loadSYAML(t), "sign").Triggers {
		if tr.TriggerType == "http" {
			got = append(got, tr.TriggerConfig.Methods...)
		}
	}
	if d := cmp.Diff(want, sorted(got)); d != "" {
		t.Errorf("HTTP trigger methods differ from those function/internal/sign serves (-sign +s.yaml):\n%s", d)
	}
}
