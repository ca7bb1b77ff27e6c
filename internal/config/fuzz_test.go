package config

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every problem it reports is
// located within the input, and that whatever it accepts is a configuration
// that validates cleanly.
//
//	go test -run x -fuzz FuzzParse -fuzztime 30s -fuzzminimizetime 2s ./internal/config/
//
// (Without -fuzzminimizetime, minimizing a large interesting input, such as
// a mutation of the example file, can take the default 60 seconds, during
// which the progress line shows 0 execs/sec.)
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../docs/config.example.yaml"); err == nil {
		f.Add(data)
	}
	for _, seed := range []string{
		"",
		"addr: :8080\ndb: hansei.db\n",
		"severity:\n  - key: SEV1\n    name: Critical\n    definition: Down.\n    criteria: [a, b]\n    out_of_hours: true\n    translations:\n      ja: {name: 致命的}\n",
		"priority:\n  - {key: P0, name: Now, definition: Start now.}\n  - {key: P0}\n",
		"glossary:\n  - term: freeze\n    definition: No deploys.\n  - term: Freeze\n",
		"severity:\n  - &l {key: A, name: A, definition: A.}\n  - <<: *l\n    key: B\n",
		"severity:\n  - &a {<<: [*a, *a]}\n",
		"severity: &s [*s]\n",
		"a: &a [*a, *a]\nseverity: [*a]\n",
		"severty: []\naddr: localhost\n",
		"severity:\n  - key: SEV1\n    translations: {pt_br: {}, de: x}\n",
		"- 1\n",
		"a: 1\n---\nb: 2\n",
		"severity: [\n",
		"db: mysql://root:pw@h/db\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			msg := err.Error()
			if msg == "" {
				t.Fatal("empty error message")
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T is not a non-empty Errors: %v", err, err)
			}
			// YAML breaks lines at \n, \r, NEL, LS and PS; counting \r\n
			// twice only loosens the bound. Input with a UTF-16 byte
			// order mark is decoded first, so its lines are not counted.
			lines := 1
			for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
				lines += strings.Count(string(data), br)
			}
			if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
				lines = len(data)
			}
			for _, e := range errs {
				if e.Line < 0 || e.Line > lines+1 {
					t.Errorf("problem at line %d of a %d-line input: %v", e.Line, lines, e)
				}
				if e.Message == "" {
					t.Errorf("problem without a message: %+v", e)
				}
			}
			return
		}
		for _, s := range []struct {
			kind  string
			scale interface{ Validate() map[string]string }
			got   string
		}{
			{"severity", c.Scales.Severity, c.Scales.Severity.Kind},
			{"priority", c.Scales.Priority, c.Scales.Priority.Kind},
		} {
			if p := s.scale.Validate(); len(p) != 0 {
				t.Errorf("Parse accepted a %s scale with problems %v", s.kind, p)
			}
			if s.got != s.kind {
				t.Errorf("%s scale has kind %q", s.kind, s.got)
			}
		}
		for i, term := range c.Scales.Glossary {
			if strings.TrimSpace(term.Term) == "" || strings.TrimSpace(term.Definition) == "" {
				t.Errorf("Parse accepted glossary[%d] = %+v", i, term)
			}
		}
		if checkAddr(c.Addr) != "" || checkDB(c.DB) != "" {
			t.Errorf("Parse accepted addr %q, db %q", c.Addr, c.DB)
		}
		for _, l := range append(c.Scales.Severity.Levels, c.Scales.Priority.Levels...) {
			for lang := range l.Translations {
				if checkLanguage(lang) != "" {
					t.Errorf("Parse accepted language %q", lang)
				}
			}
		}
	})
}
