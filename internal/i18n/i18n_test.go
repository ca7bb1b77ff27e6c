package i18n_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/internal/i18n"
)

func TestNegotiation(t *testing.T) {
	c := i18n.MustBuiltin()
	for _, tc := range []struct{ in, want string }{
		{"ja", "ja"}, {"de-AT", "de"}, {"en-GB", "en"}, {"fr", "en"}, {"", "en"}, {"!!", "en"},
	} {
		if got := c.Match(tc.in); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ param, accept, fallback, want string }{
		// The quality counts, and q=0 means "not this one".
		{"", "ja;q=0, de", "en", "de"},
		{"", "ja,en;q=0.8", "en", "ja"},
		{"", "en-US,ja;q=0.5", "ja", "en"},
		{"", "fr-FR,de;q=0.7", "en", "de"},
		{"", "de;q=0.5, ja;q=0.9", "en", "ja"},
		// A language no catalog speaks leaves the choice to the fallback.
		{"", "fr-FR, it", "ja", "ja"},
		{"", "", "de", "de"},
		// One entry that cannot be read spoils nothing else.
		{"", "*, x_@;q=0.9, ja;q=0.3", "en", "ja"},
		// ?lang= wins over the browser; one no catalog speaks does not.
		{"ja", "de", "en", "ja"},
		{"fr", "de", "en", "de"},
	} {
		if got := c.Negotiate(tc.param, tc.accept, tc.fallback); got != tc.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", tc.param, tc.accept, tc.fallback, got, tc.want)
		}
	}
}

// TestPlurals: the plural form comes from the language's CLDR rules, so
// German says "1 Tag" and "2 Tagen", English "1 day" and "2 days".
func TestPlurals(t *testing.T) {
	c := i18n.MustBuiltin()
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "not reviewed for 1 day"}, {"en", 2, "not reviewed for 2 days"}, {"en", 0, "not reviewed for 0 days"},
		{"de", 1, "seit 1 Tag ohne Review"}, {"de", 2, "seit 2 Tagen ohne Review"},
		{"ja", 1, "1日間レビューなし"}, {"ja", 2, "2日間レビューなし"},
	} {
		if got := c.Printer(tc.lang).N("page.review.not_reviewed_for_days", tc.n); got != tc.want {
			t.Errorf("%s, %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestArgumentsInTheLanguagesOrder: a translation puts the arguments where
// its grammar wants them.
func TestArgumentsInTheLanguagesOrder(t *testing.T) {
	p := i18n.MustBuiltin().Printer("ja")
	if got, want := p.T("page.admin_tokens.revoke_token_of", "ID", 7, "User", "bob"), "bob のトークン 7 を無効化"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	msg := i18n.Message{ID: "flash.component_saved", Args: map[string]any{"Key": "db"}}
	if got, want := p.Print(msg), "コンポーネント db を保存しました。"; got != want {
		t.Errorf("Print: got %q, want %q", got, want)
	}
}

// writeCatalog writes a deployment's catalog file.
func writeCatalog(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDeploymentLanguage: a French catalog with a few messages shows them
// in French and every other in English, never an ID; each message it
// lacks is logged once, when the catalogs are built.
func TestDeploymentLanguage(t *testing.T) {
	path := writeCatalog(t, "fr.yaml", `meta.language_name: Français
page.incident.timeline: Chronologie
flash.component_saved: Composant {{.Key}} enregistré.
page.review.not_reviewed_for_days:
  one: "pas revu depuis {{.Count}} jour"
  many: "pas revu depuis {{.Count}} de jours"
  other: "pas revu depuis {{.Count}} jours"
`)
	cat, err := i18n.ReadCatalog(path, "fr")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	c, err := i18n.New([]*i18n.Catalog{cat}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); strings.Join(got, " ") != "en ja de fr" {
		t.Errorf("Languages() = %v", got)
	}
	if c.Name("fr") != "Français" || c.Match("fr-CA") != "fr" || c.Negotiate("", "fr;q=0.9, de;q=0.8", "en") != "fr" {
		t.Errorf("fr is not offered: name %q, match %q", c.Name("fr"), c.Match("fr-CA"))
	}
	p := c.Printer("fr")
	for id, want := range map[string]string{
		"page.incident.timeline":    "Chronologie",
		"page.incident.responders":  "Responders", // English: fr lacks it
		"flash.settings_saved":      "Settings saved.",
		"page.postmortem.lint":      "Lint",
		"page.review.next_review":   "The next review is on",
		"page.admin_outbox.retry":   "Retry",
		"word.intent_state.expired": "expired",
	} {
		if got := p.T(id); got != want {
			t.Errorf("fr %s: %q, want %q", id, got, want)
		}
	}
	if got := p.T("flash.component_saved", "Key", "db"); got != "Composant db enregistré." {
		t.Errorf("fr with an argument: %q", got)
	}
	if got := p.N("page.review.not_reviewed_for_days", 0); got != "pas revu depuis 0 jour" {
		t.Errorf("fr plural of 0 (one, in French): %q", got)
	}
	if got := p.N("page.postmortem.blocking_findings_remain", 2); got != "2 blocking findings remain:" {
		t.Errorf("fr plural from English: %q", got)
	}
	missing := strings.Count(logs.String(), "catalog lacks a message")
	if lines := strings.Count(logs.String(), "key=page.incident.responders"); lines != 1 {
		t.Errorf("page.incident.responders is logged %d times, want once:\n%s", lines, logs.String())
	}
	if strings.Contains(logs.String(), "key=page.incident.timeline") {
		t.Errorf("a message fr has is logged as missing")
	}
	for range 3 {
		p.T("page.incident.responders")
	}
	if n := strings.Count(logs.String(), "catalog lacks a message"); n != missing {
		t.Errorf("printing a missing message logged again: %d lines, then %d", missing, n)
	}
	// An ID no catalog has prints nothing, never itself.
	if got := p.T("page.no_such_message"); got != "" {
		t.Errorf("an unknown ID printed %q", got)
	}
}

// TestBadCatalogs: a catalog that is not valid, or whose message has a
// placeholder the English one lacks, is refused, naming the file, the line
// and the key.
func TestBadCatalogs(t *testing.T) {
	for _, tc := range []struct {
		name, lang, text string
		line             int
		key, want        string
	}{
		{"bad YAML", "fr", "page.incident.timeline: Chronologie\nflash.saved: {{.Nope}} oops\n", 2, "", "not valid YAML"},
		{"unknown placeholder", "fr", "page.incident.timeline: Chronologie\n\nflash.component_saved: Composant {{.Name}} enregistré.\n", 3, "flash.component_saved",
			"the placeholder {{.Name}} is not one of the English message's ({{.Key}})"},
		{"placeholder where English has none", "fr", "flash.saved: Enregistré {{.When}}.\n", 1, "flash.saved", "it has none"},
		{"function call", "fr", `flash.component_saved: "Composant {{printf \"%s\" .Key}}"` + "\n", 1, "flash.component_saved", "placeholder"},
		{"condition", "fr", `flash.component_saved: "{{if .Key}}x{{end}}"` + "\n", 1, "flash.component_saved", "not allowed"},
		{"text for a plural", "de", "page.review.not_reviewed_for_days: seit Tagen\n", 1, "page.review.not_reviewed_for_days", "plural forms"},
		{"missing plural form", "de", "page.review.not_reviewed_for_days:\n  other: seit {{.Count}} Tagen\n", 1, "page.review.not_reviewed_for_days", "plural form one"},
		{"misspelt plural form", "fr", "page.review.not_reviewed_for_days:\n  onne: x\n  other: y\n", 2, "page.review.not_reviewed_for_days", `"onne" is not a plural form`},
		{"not text", "fr", "flash.saved: true\n", 1, "flash.saved", "put it in quotes"},
		{"not an ID", "fr", "Saved.: Enregistré.\n", 1, "", "is not a message ID"},
		{"twice", "fr", "flash.saved: a\nflash.saved: b\n", 2, "flash.saved", "given twice"},
		{"alias", "fr", "flash.saved: &s a\nflash.approved: *s\n", 1, "", "aliases"},
		{"a list", "fr", "- flash.saved\n", 1, "", "mapping"},
		{"empty", "fr", "# nothing\n", 0, "", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeCatalog(t, tc.lang+".yaml", tc.text)
			_, err := i18n.ReadCatalog(path, tc.lang)
			var e *i18n.Error
			if !errors.As(err, &e) {
				t.Fatalf("accepted, or not an *i18n.Error: %v", err)
			}
			if e.File != path || e.Line != tc.line || e.Key != tc.key || !strings.Contains(e.Message, tc.want) {
				t.Errorf("got %q (file %s, line %d, key %q), want line %d, key %q, a message with %q",
					err, e.File, e.Line, e.Key, tc.line, tc.key, tc.want)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("the message does not start with the file: %v", err)
			}
		})
	}
	if _, err := i18n.ReadCatalog(filepath.Join(t.TempDir(), "none.yaml"), "fr"); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := i18n.ReadCatalog(t.TempDir(), "fr"); err == nil || !strings.Contains(err.Error(), "regular file") {
		t.Errorf("a directory: %v", err)
	}
	if _, err := i18n.ReadCatalog(writeCatalog(t, "x.yaml", "flash.saved: x\n"), "xx-!!"); err == nil {
		t.Errorf("a language code that is none was accepted")
	}
}

// TestUnknownMessagesAreKeptAside: a message hansei does not have (a
// catalog of another version) is not an error; it is listed to be logged.
func TestUnknownMessagesAreKeptAside(t *testing.T) {
	cat, err := i18n.ReadCatalog(writeCatalog(t, "fr.yaml", "page.incident.timeline: Chronologie\npage.gone.away: Parti\n"), "fr")
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Unknown) != 1 || cat.Unknown[0].Key != "page.gone.away" || cat.Unknown[0].Line != 2 {
		t.Errorf("Unknown = %v", cat.Unknown)
	}
	var logs bytes.Buffer
	if _, err := i18n.New([]*i18n.Catalog{cat}, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "key=page.gone.away") {
		t.Errorf("the unknown message is not logged:\n%s", logs.String())
	}
}
