package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// halfCatalog writes a French catalog with every other message of the
// English one, each marked «fr», and returns the IDs it leaves out.
func halfCatalog(t *testing.T, path string) (missing []string) {
	t.Helper()
	b, err := os.ReadFile("../../internal/i18n/catalogs/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]any
	if err := yaml.Unmarshal(b, &en); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(en))
	for id := range en {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	fr := map[string]any{"meta.language_name": "Français", "page.incident.timeline": "«fr» Chronologie",
		"layout.sign_out": "«fr» Se déconnecter"}
	for i, id := range ids {
		if _, done := fr[id]; done {
			continue
		}
		if i%2 == 1 {
			missing = append(missing, id)
			continue
		}
		switch m := en[id].(type) {
		case string:
			fr[id] = "«fr» " + m
		case map[string]any:
			forms := map[string]string{}
			for form, text := range m {
				forms[form] = "«fr» " + text.(string)
			}
			fr[id] = forms
		}
	}
	out, err := yaml.Marshal(fr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return missing
}

// rawID is a message ID shown as it is, which must never happen.
var rawID = regexp.MustCompile(`\b(page|flash|common|layout|word|error|statuspage|meta)\.[a-z0-9_]+\.?[a-z0-9_.]*`)

// TestDeploymentLanguage: a French catalog with half the messages, named
// in the config, gives a French-speaking user French where it has the
// words and English elsewhere, never a message ID; each message it lacks
// is logged once, at start.
func TestDeploymentLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		missing := halfCatalog(t, filepath.Join(dir, "fr.yaml"))
		cfg := filepath.Join(dir, "hansei.yaml")
		if err := os.WriteFile(cfg, []byte("languages:\n  - code: fr\n    catalog: fr.yaml\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, dsn, "--config", cfg)
		srv.mustCLI(t, "", "users", "add", "dora", "--role", "responder", "--language", "fr", "--db", srv.DSN)
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV3", "Slow search")

		b := newBrowser(t, srv)
		b.signIn("dora")
		for _, p := range []string{"/incidents", "/incidents/1", "/incidents/new", "/remediations", "/scales", "/settings"} {
			page := b.get(p, http.StatusOK)
			pageHas(t, page, p, `<html lang="fr">`, "«fr» Se déconnecter")
			if m := rawID.FindString(page); m != "" {
				t.Errorf("%s shows the message ID %q", p, m)
			}
		}
		page := b.get("/incidents/1", http.StatusOK)
		pageHas(t, page, "the incident page", "«fr» Chronologie")
		pageHas(t, b.get("/settings", http.StatusOK), "the settings page", `<option value="fr" selected>Français</option>`)
		// Another user sees the page in French by asking for it.
		admin := newBrowser(t, srv)
		admin.signIn("admin")
		pageHas(t, admin.get("/incidents/1?lang=fr", http.StatusOK), "?lang=fr", "«fr» Chronologie")
		pageLacks(t, admin.get("/incidents/1", http.StatusOK), "the admin's own language", "«fr»")

		logs := srv.stderr.String()
		if n := strings.Count(logs, "catalog lacks a message"); n != len(missing) {
			t.Errorf("%d lines about missing messages, want %d, one a message", n, len(missing))
		}
		for _, id := range missing[:5] {
			if n := strings.Count(logs, "key="+id+"\n"); n != 1 {
				t.Errorf("%s is logged %d times, want once", id, n)
			}
		}
	})
}

// TestBadCatalogStopsStartup: a catalog whose message has a placeholder
// the English message lacks stops `hansei serve`, naming the catalog's
// file, line and message ID.
func TestBadCatalogStopsStartup(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hansei.yaml")
	catalog := "page.incident.timeline: Chronologie\nflash.component_saved: Composant {{.Nom}} enregistré.\n"
	if err := os.WriteFile(filepath.Join(dir, "fr.yaml"), []byte(catalog), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("languages:\n  - code: fr\n    catalog: fr.yaml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"serve", "--config", cfg, "--db", filepath.Join(dir, "h.db"), "--addr", "127.0.0.1:0"},
		envFunc(nil), strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with a bad catalog")
	}
	line := errorLine(err)
	for _, want := range []string{"fr.yaml:2", "flash.component_saved", "{{.Nom}}"} {
		if !strings.Contains(line, want) {
			t.Errorf("error %q lacks %q", line, want)
		}
	}
	if strings.Contains(stdout.String(), "listening") {
		t.Error("the server listened despite the bad catalog")
	}
}

// eachEnglishText calls each with every text of the English catalog whose
// ID keep accepts: a message's text, or each of its plural forms.
func eachEnglishText(t testing.TB, keep func(id string) bool, each func(id, text string)) {
	t.Helper()
	b, err := os.ReadFile("../../internal/i18n/catalogs/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var messages map[string]any
	if err := yaml.Unmarshal(b, &messages); err != nil {
		t.Fatal(err)
	}
	for id, m := range messages {
		if !keep(id) {
			continue
		}
		switch m := m.(type) {
		case string:
			each(id, m)
		case map[string]any:
			for form, text := range m {
				if s, ok := text.(string); ok && form != "description" {
					each(id, s)
				}
			}
		}
	}
}
