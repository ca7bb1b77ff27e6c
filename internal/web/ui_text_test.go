package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	hansei "github.com/hansei-dev/hansei"
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
	fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := templateFiles.ReadFile(p)
			add(tmpl, b)
		}
		return err
	})
	files, _ := filepath.Glob("ui*.go")
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
	for _, text := range uiTexts(t) {
		for lang, dict := range map[string]map[string]string{"ja": textJA, "de": textDE} {
			if dict[text] == "" {
				t.Errorf("%s: no translation of %q", lang, text)
			}
		}
	}
}

func TestUILanguage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ja", "ja"}, {"de-AT", "de"}, {"en-GB", "en"}, {"fr", "en"}, {"", "en"},
	} {
		if got := uiLanguage(tc.in); got != tc.want {
			t.Errorf("uiLanguage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"ja,en;q=0.8", "ja"}, {"fr-FR,de;q=0.7", "de"}, {"en-US,ja;q=0.5", "en"}, {"", "en"},
	} {
		if got := acceptLanguage(tc.in); got != tc.want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
