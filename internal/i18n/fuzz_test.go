package i18n_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// FuzzCheckCatalog: whatever a catalog file holds, checking it never
// panics; a refusal names the file and a line of it; and a catalog that is
// accepted builds, and prints every message it has without a raw ID.
func FuzzCheckCatalog(f *testing.F) {
	for _, seed := range []string{
		"page.incident.timeline: Chronologie\n",
		"flash.component_saved: Composant {{.Key}} enregistré.\n",
		"page.review.not_reviewed_for_days:\n  one: \"{{.Count}} jour\"\n  other: \"{{.Count}} jours\"\n",
		"flash.saved: {{.Nope}}\n",
		"flash.saved: \"{{printf \\\"%s\\\" .X}}\"\n",
		"a: &x b\nc: *x\n",
		"- 1\n- 2\n",
		"flash.saved: \"{{.Key\"\n",
		"---\nflash.saved: a\n---\nflash.saved: b\n",
		"flash.saved:\n  description: x\n  other: y\n",
		"flash.saved: \"{{/* c */}}\"\n",
		"flash.saved: \"{{define \\\"x\\\"}}y{{end}}\"\n",
	} {
		f.Add([]byte(seed), "fr")
	}
	f.Add([]byte("page.review.not_reviewed_for_days:\n  other: x\n"), "de")
	builtin := i18n.MustBuiltin()
	f.Fuzz(func(t *testing.T, data []byte, lang string) {
		c, err := builtin.CheckCatalog("f.yaml", lang, data)
		if err != nil {
			var e *i18n.Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *i18n.Error: %v", err)
			}
			// YAML breaks lines at \n, \r and \r\n.
			lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 2
			if e.File != "f.yaml" || e.Line < 0 || e.Line > lines {
				t.Fatalf("the refusal names file %q, line %d: %v", e.File, e.Line, err)
			}
			return
		}
		cats, err := i18n.New([]*i18n.Catalog{c}, nil)
		if err != nil {
			t.Fatalf("an accepted catalog does not build: %v", err)
		}
		p := cats.Printer(cats.Match(lang))
		for _, id := range []string{"page.incident.timeline", "flash.component_saved", "flash.saved", "meta.language_name"} {
			if got := p.T(id, "Key", "k"); got == "" || got == id || strings.Contains(got, "<no value>") {
				t.Fatalf("%s printed %q", id, got)
			}
		}
		if got := p.N("page.review.not_reviewed_for_days", 3); got == "" || strings.Contains(got, "page.") {
			t.Fatalf("a plural printed %q", got)
		}
	})
}
