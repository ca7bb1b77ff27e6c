package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// uiTexts collects every interface text: the literal arguments of T and Tf
// in the templates and the Go files, and the words templates translate
// from data (statuses, roles, states, kinds).
func uiTexts(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	tmpl := regexp.MustCompile(`\.T[f]? "((?:[^"\\]|\\.)*)"`)
	code := regexp.MustCompile(`\bv\.T[f]?\("((?:[^"\\]|\\.)*)"`)
	add := func(re *regexp.Regexp, b []byte) {
		for _, m := range re.FindAllSubmatch(b, -1) {
			set[string(m[1])] = true
		}
	}
	// The pages' templates, and the public status page's, which share
	// the catalog.
	for _, glob := range []string{"templates/*.html", "../statuspage/templates/*.html"} {
		files, _ := filepath.Glob(glob)
		if len(files) == 0 {
			t.Fatalf("no templates at %s", glob)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			add(tmpl, b)
		}
	}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(code, b)
	}
	for _, w := range []string{
		string(hansei.StatusInvestigating), string(hansei.StatusIdentified), string(hansei.StatusMonitoring),
		string(hansei.StatusResolved), string(hansei.StatusClosed),
		hansei.RoleCommander, hansei.RoleCommunications, hansei.RoleScribe,
		hansei.ResponderActive, hansei.ResponderStoodDown,
		string(hansei.IntentAction), string(hansei.IntentStandDown), string(hansei.IntentInformation),
		string(hansei.IntentOpen), string(hansei.IntentAcknowledged), string(hansei.IntentObjected),
		string(hansei.IntentWithdrawn), string(hansei.IntentExpired),
	} {
		set[w] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestInterfaceIsTranslated: every interface text has a Japanese and a
// German translation, so a responder who set their language never meets
// an English word in the interface.
func TestInterfaceIsTranslated(t *testing.T) {
	cat := i18n.New()
	for _, text := range uiTexts(t) {
		for _, lang := range []string{"ja", "de"} {
			if !cat.Has(lang, text) {
				t.Errorf("%s: no translation of %q", lang, text)
			}
		}
	}
}
