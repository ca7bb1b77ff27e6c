package config

import (
	"os"
	"strings"
	"testing"
)

// The table of every setting in docs/configuration.md sits between these
// markers. It is made from the declarations, so a setting added, renamed
// or given a new default shows there; this test says when it is stale.
const (
	tableBegin = "<!-- settings table: made by internal/config/settings_test.go; do not edit -->\n"
	tableEnd   = "<!-- end of settings table -->\n"
	docsPath   = "../../docs/configuration.md"
)

// settingsTable renders Settings as a Markdown table.
func settingsTable() string {
	var b strings.Builder
	b.WriteString("| Setting | Environment | Default | What it is |\n|---|---|---|---|\n")
	for _, s := range Settings() {
		env, def := "—", s.Default
		if s.Env != "" {
			env = "`" + s.Env + "`"
		}
		if def == "" {
			def = "—"
		}
		b.WriteString("| `" + s.Path + "` | " + env + " | " + def + " | " + s.Doc + " |\n")
	}
	return b.String()
}

// TestSettingsTableIsCurrent checks the table in docs/configuration.md.
// HANSEI_UPDATE_DOCS=1 writes it instead:
//
//	HANSEI_UPDATE_DOCS=1 go test ./internal/config -run TestSettingsTableIsCurrent
func TestSettingsTableIsCurrent(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	begin, end := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers of the settings table:\n%s%s", docsPath, tableBegin, tableEnd)
	}
	want := settingsTable()
	if got := doc[begin+len(tableBegin) : end]; got != want {
		if os.Getenv("HANSEI_UPDATE_DOCS") == "1" {
			doc = doc[:begin+len(tableBegin)] + want + doc[end:]
			if err := os.WriteFile(docsPath, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the settings table in %s is stale; run\n\tHANSEI_UPDATE_DOCS=1 go test ./internal/config -run TestSettingsTableIsCurrent\nwant:\n%s", docsPath, want)
	}
}

// TestEverySettingDeclaredOnce: a path declared twice would shadow the
// first declaration, and every setting says what it is.
func TestEverySettingDeclaredOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Settings() {
		if seen[s.Path] {
			t.Errorf("%s is declared twice", s.Path)
		}
		seen[s.Path] = true
		if s.Doc == "" || strings.Contains(s.Doc, "|") {
			t.Errorf("%s: doc %q is empty or breaks the table", s.Path, s.Doc)
		}
	}
}
