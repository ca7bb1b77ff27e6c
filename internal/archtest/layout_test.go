// Package archtest checks the layout rules of docs/architecture.md, so
// that the rooms stay as they were built: adapters call app, only the
// composition root knows the database, the domain stays standard library.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/hansei-dev/hansei"

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// packages lists the module's packages with their imports (not their
// tests'), as `go list` sees them.
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var list []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	return list
}

// TestOnlyTheCompositionRootKnowsTheDatabase: handlers and adapters call
// app; app declares the storage it needs; internal/server builds the
// store and hands it over.
func TestOnlyTheCompositionRootKnowsTheDatabase(t *testing.T) {
	allowed := []string{module + "/internal/server", module + "/internal/sqldb/sqldbtest"}
	for _, p := range packages(t) {
		if slices.Contains(p.Imports, module+"/internal/sqldb") && !slices.Contains(allowed, p.ImportPath) {
			t.Errorf("%s imports internal/sqldb; only internal/server may (adapters call internal/app)", p.ImportPath)
		}
	}
}

// TestDomainIsStandardLibraryOnly: the root package has no I/O and no
// dependencies besides the standard library.
func TestDomainIsStandardLibraryOnly(t *testing.T) {
	for _, p := range packages(t) {
		if p.ImportPath != module {
			continue
		}
		for _, imp := range p.Imports {
			if strings.Contains(strings.Split(imp, "/")[0], ".") {
				t.Errorf("the domain package imports %s; it may use only the standard library", imp)
			}
		}
	}
}

// TestAdaptersDoNotImportEachOther: each audience's package stands on
// app and the shared httpx, never on another audience's.
func TestAdaptersDoNotImportEachOther(t *testing.T) {
	adapters := []string{"/internal/http/api", "/internal/http/ui", "/internal/http/statuspage", "/internal/http/ops", "/internal/cli"}
	for _, p := range packages(t) {
		if !slices.Contains(adapters, strings.TrimPrefix(p.ImportPath, module)) {
			continue
		}
		for _, imp := range p.Imports {
			if imp != p.ImportPath && slices.Contains(adapters, strings.TrimPrefix(imp, module)) {
				t.Errorf("%s imports %s; adapters share only app, httpx, assets, i18n and live", p.ImportPath, imp)
			}
		}
	}
}
