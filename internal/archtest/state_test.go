package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPackageLevelState: dependencies are passed in, never kept in
// package variables. The exceptions hold nothing a program could change:
// embedded files (go:embed must be a package variable), compiled regular
// expressions and sentinel errors.
func TestNoPackageLevelState(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.Name == "init" && fn.Recv == nil {
				t.Errorf("%s: func init(); build what it sets up where it is used", fset.Position(fn.Pos()))
			}
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				if immutable(gen, vs) {
					continue
				}
				for _, name := range vs.Names {
					if name.Name != "_" {
						t.Errorf("%s: package variable %s; pass it in, or make it a function or a constant", fset.Position(name.Pos()), name.Name)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// immutable tells the allowed package variables.
func immutable(gen *ast.GenDecl, vs *ast.ValueSpec) bool {
	for _, doc := range []*ast.CommentGroup{gen.Doc, vs.Doc} {
		if doc != nil && strings.Contains(doc.Text(), "go:embed") {
			return true
		}
	}
	if doc := gen.Doc; doc != nil {
		for _, c := range doc.List {
			if strings.HasPrefix(c.Text, "//go:embed") {
				return true
			}
		}
	}
	if len(vs.Values) != 1 {
		return false
	}
	call, ok := vs.Values[0].(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, _ := sel.X.(*ast.Ident)
	return pkg != nil && (pkg.Name == "regexp" && strings.HasPrefix(sel.Sel.Name, "MustCompile") ||
		pkg.Name == "errors" && sel.Sel.Name == "New")
}
