package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes files into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLanguagesSection: a catalog named in the config is read from the
// config file's directory and checked once, at start.
func TestLanguagesSection(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"hansei.yaml": "languages:\n  - code: fr\n    catalog: i18n/fr.yaml\n",
		"i18n/fr.yaml": "meta.language_name: Français\npage.incident.timeline: Chronologie\n" +
			"flash.component_saved: Composant {{.Key}} enregistré.\n",
	})
	c, err := Load(filepath.Join(dir, "hansei.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Languages) != 1 || c.Languages[0].Code != "fr" || c.Languages[0].Messages == nil || c.Languages[0].Messages.Lang != "fr" {
		t.Fatalf("languages = %+v", c.Languages)
	}
	if d := Default(); len(d.Languages) != 0 {
		t.Errorf("default languages: %+v", d.Languages)
	}
}

// TestBadCatalogFailsAtStart: a catalog that is not valid, or whose
// message has a placeholder the English one lacks, fails the config with
// the catalog's file, line and message ID; a catalog that cannot be read
// is reported where the config names it.
func TestBadCatalogFailsAtStart(t *testing.T) {
	for _, tc := range []struct{ name, config, catalog, want string }{
		{"placeholder English lacks", "languages:\n  - code: fr\n    catalog: fr.yaml\n",
			"page.incident.timeline: Chronologie\nflash.component_saved: Composant {{.Nom}} enregistré.\n",
			"fr.yaml:2: flash.component_saved: the placeholder {{.Nom}} is not one of the English message's ({{.Key}})"},
		{"not valid YAML", "languages:\n  - code: fr\n    catalog: fr.yaml\n",
			"page.incident.timeline: Chronologie\nflash.saved: {{.X}}\n",
			"fr.yaml:2: flash.saved: the message starts with {, which YAML reads as markup, not text; put the message in quotes"},
		{"missing file", "languages:\n  - code: fr\n    catalog: nowhere.yaml\n", "",
			"hansei.yaml:3: languages[0].catalog: "},
		{"twice", "languages:\n  - code: fr\n    catalog: fr.yaml\n  - code: fr\n    catalog: fr.yaml\n",
			"page.incident.timeline: Chronologie\n", "hansei.yaml:4: languages[1].code: the language fr is given twice"},
		{"bad code", "languages:\n  - code: FR_fr\n    catalog: fr.yaml\n", "page.incident.timeline: Chronologie\n",
			`hansei.yaml:2: languages[0].code: "FR_fr" is not a language code`},
		{"no catalog", "languages:\n  - code: fr\n", "", "hansei.yaml:2: languages[0].catalog: catalog is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"hansei.yaml": tc.config}
			if tc.catalog != "" {
				files["fr.yaml"] = tc.catalog
			}
			dir := writeFiles(t, files)
			_, err := Load(filepath.Join(dir, "hansei.yaml"), nil)
			if err == nil {
				t.Fatal("the config was accepted")
			}
			if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got  %s\nwant %s…", got, tc.want)
			}
		})
	}
}
