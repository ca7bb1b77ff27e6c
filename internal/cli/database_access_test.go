package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyServerCommandsOpenTheDatabase: the commands that write go
// through the server, which checks who may do what; only serve, migrate
// and users (server.go, users.go) reach the database, through srv(). A new
// command file that calls srv() fails here, and must say why it may.
func TestOnlyServerCommandsOpenTheDatabase(t *testing.T) {
	allowed := map[string]bool{"server.go": true, "users.go": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || allowed[name] {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "srv" || sel.Sel.Name == "withConsole") {
				t.Errorf("%s: %s calls %s(), which works on the database directly; a command other than serve, migrate and users talks to the server (apiClient)",
					fset.Position(sel.Pos()), name, sel.Sel.Name)
			}
			if id, ok := n.(*ast.Ident); ok && id.Name == "server" {
				t.Errorf("%s: %s uses the server package; only server.go and users.go may", fset.Position(id.Pos()), name)
			}
			return true
		})
	}
}
