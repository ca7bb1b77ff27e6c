package hansei

import (
	"strings"
	"testing"
)

func TestDefaultScalesValidate(t *testing.T) {
	s := DefaultScales()
	for _, tc := range []struct {
		kind  string
		scale Scale
		keys  []string
	}{
		{"severity", s.Severity, []string{"SEV1", "SEV2", "SEV3", "SEV4"}},
		{"priority", s.Priority, []string{"P0", "P1", "P2", "P3"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if tc.scale.Kind != tc.kind {
				t.Errorf("Kind = %q, want %q", tc.scale.Kind, tc.kind)
			}
			if problems := tc.scale.Validate(); len(problems) != 0 {
				t.Errorf("Validate() = %v, want no problems", problems)
			}
			if got := strings.Join(tc.scale.Keys(), ","); got != strings.Join(tc.keys, ",") {
				t.Errorf("Keys() = %s, want %s", got, strings.Join(tc.keys, ","))
			}
			for _, l := range tc.scale.Levels {
				if strings.TrimSpace(l.Response) == "" || strings.TrimSpace(l.Pages) == "" {
					t.Errorf("%s: response %q and pages %q must not be empty", l.Key, l.Response, l.Pages)
				}
				if n := len(l.Criteria); n < 2 || n > 4 {
					t.Errorf("%s: %d criteria, want 2 to 4", l.Key, n)
				}
				if n := len(l.Examples); n < 2 || n > 3 {
					t.Errorf("%s: %d examples, want 2 to 3", l.Key, n)
				}
				for i, c := range append(append([]string{}, l.Criteria...), l.Examples...) {
					if strings.TrimSpace(c) == "" {
						t.Errorf("%s: criterion or example %d is empty", l.Key, i)
					}
				}
				for _, lang := range []string{"ja", "de"} {
					tr, ok := l.Translations[lang]
					if !ok || strings.TrimSpace(tr.Name) == "" || strings.TrimSpace(tr.Definition) == "" {
						t.Errorf("%s: %s translation = %+v, want a name and a definition", l.Key, lang, tr)
					}
					if tr.Definition == l.Definition {
						t.Errorf("%s: %s definition is the English one", l.Key, lang)
					}
				}
			}
		})
	}
	t.Run("glossary", func(t *testing.T) {
		if len(s.Glossary) < 6 {
			t.Errorf("%d glossary terms, want at least 6", len(s.Glossary))
		}
		seen := map[string]bool{}
		for _, term := range s.Glossary {
			if strings.TrimSpace(term.Term) == "" || strings.TrimSpace(term.Definition) == "" {
				t.Errorf("term %+v needs a term and a definition", term)
			}
			if seen[term.Term] {
				t.Errorf("term %q is defined twice", term.Term)
			}
			seen[term.Term] = true
			for _, lang := range []string{"ja", "de"} {
				tr, ok := term.Translations[lang]
				if !ok || strings.TrimSpace(tr.Name) == "" || strings.TrimSpace(tr.Definition) == "" {
					t.Errorf("%q: %s translation = %+v, want a name and a definition", term.Term, lang, tr)
				}
			}
		}
		for _, want := range []string{"incident commander", "mitigated", "resolved", "statement of intent", "stand down", "accountable owner"} {
			if !seen[want] {
				t.Errorf("glossary lacks %q", want)
			}
		}
	})
}

// DefaultScales must hand out a new value each time: changing one result
// must not leak into the next.
func TestDefaultScalesFresh(t *testing.T) {
	a := DefaultScales()
	a.Severity.Levels[0].Definition = "changed"
	a.Severity.Levels[0].Translations["ja"] = Translation{Name: "changed"}
	a.Glossary[0].Term = "changed"
	b := DefaultScales()
	if b.Severity.Levels[0].Definition == "changed" || b.Severity.Levels[0].Translations["ja"].Name == "changed" || b.Glossary[0].Term == "changed" {
		t.Fatal("DefaultScales returned shared state")
	}
}

func TestScaleLevelUnknown(t *testing.T) {
	s := DefaultScales()
	for _, tc := range []struct {
		name   string
		scale  Scale
		key    string
		prefix string
	}{
		{"unknown severity", s.Severity, "SEV9", `unknown severity "SEV9"; choose one of:`},
		{"empty severity", s.Severity, "", "severity is required; choose one of:"},
		{"unknown priority", s.Priority, "P9", `unknown priority "P9"; choose one of:`},
		{"severity key as priority", s.Priority, "SEV1", `unknown priority "SEV1"; choose one of:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.scale.Level(tc.key)
			if err == nil {
				t.Fatalf("Level(%q) = nil error", tc.key)
			}
			if code := ErrorCode(err); code != EINVALID {
				t.Errorf("code = %q, want %q", code, EINVALID)
			}
			msg := ErrorMessage(err)
			if !strings.HasPrefix(msg, tc.prefix) {
				t.Errorf("message = %q, want prefix %q", msg, tc.prefix)
			}
			for _, l := range tc.scale.Levels {
				if want := l.Key + " (" + l.Name + "): " + l.Definition; !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			fields := ErrorFields(err)
			if _, ok := fields[tc.scale.Kind]; !ok || len(fields) != 1 {
				t.Errorf("fields = %v, want only %q", fields, tc.scale.Kind)
			}
		})
	}
	t.Run("any case", func(t *testing.T) {
		for _, tc := range []struct {
			scale     Scale
			key, want string
		}{
			{s.Severity, "sev1", "SEV1"},
			{s.Severity, "Sev2", "SEV2"},
			{s.Severity, "SEV3", "SEV3"},
			{s.Priority, "p1", "P1"},
		} {
			l, err := tc.scale.Level(tc.key)
			if err != nil || l.Key != tc.want {
				t.Errorf("%s Level(%q) = %q, %v; want the canonical %q", tc.scale.Kind, tc.key, l.Key, err, tc.want)
			}
		}
	})
	t.Run("known", func(t *testing.T) {
		l, err := s.Severity.Level("SEV2")
		if err != nil || l.Key != "SEV2" {
			t.Fatalf("Level(SEV2) = %v, %v", l.Key, err)
		}
		if r := s.Severity.Rank("SEV2"); r != 1 {
			t.Errorf("Rank(SEV2) = %d, want 1", r)
		}
		if r := s.Severity.Rank("SEV9"); r != -1 {
			t.Errorf("Rank(SEV9) = %d, want -1", r)
		}
	})
}

func TestLevelLocalized(t *testing.T) {
	l := Level{
		Key: "SEV1", Name: "Critical", Definition: "Most customers cannot use a core function.",
		Translations: map[string]Translation{
			"ja":    {Name: "致命的", Definition: "大半の顧客が主要機能を使えない状態。"},
			"de":    {Name: "Kritisch"},
			"pt-BR": {Definition: "A maioria dos clientes não consegue usar uma função essencial."},
		},
	}
	for _, tc := range []struct {
		lang, name, def string
	}{
		{"ja", "致命的", "大半の顧客が主要機能を使えない状態。"},
		{"de", "Kritisch", "Most customers cannot use a core function."},
		{"pt-BR", "Critical", "A maioria dos clientes não consegue usar uma função essencial."},
		{"fr", "Critical", "Most customers cannot use a core function."},
		{"", "Critical", "Most customers cannot use a core function."},
		{"JA", "Critical", "Most customers cannot use a core function."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			name, def := l.Localized(tc.lang)
			if name != tc.name || def != tc.def {
				t.Errorf("Localized(%q) = %q, %q; want %q, %q", tc.lang, name, def, tc.name, tc.def)
			}
		})
	}
	t.Run("defaults fall back", func(t *testing.T) {
		sev1 := DefaultScales().Severity.Levels[0]
		name, def := sev1.Localized("xx")
		if name != sev1.Name || def != sev1.Definition {
			t.Errorf("Localized(xx) = %q, %q; want the English text", name, def)
		}
		if name, _ := sev1.Localized("ja"); name == sev1.Name {
			t.Errorf("Localized(ja) name = %q, want the Japanese name", name)
		}
	})
}

func TestScaleValidateProblems(t *testing.T) {
	good := func(key string) Level {
		return Level{Key: key, Name: "Name of " + key, Definition: "What " + key + " means."}
	}
	for _, tc := range []struct {
		name   string
		levels []Level
		want   map[string]string // path → part of the message
	}{
		{"valid", []Level{good("SEV1"), good("SEV2")}, map[string]string{}},
		{"no levels", nil, map[string]string{"levels": "at least one level"}},
		{"duplicate key", []Level{good("SEV1"), good("SEV2"), good("SEV1")},
			map[string]string{"levels[2].key": `key "SEV1" is used by an earlier level`}},
		{"duplicate key in another case", []Level{good("SEV1"), good("sev1")},
			map[string]string{"levels[1].key": `key "sev1" is "SEV1" of an earlier level in another case; keys must be unique whatever their case`}},
		{"empty definition", []Level{good("SEV1"), {Key: "SEV2", Name: "Major", Definition: "  "}},
			map[string]string{"levels[1].definition": "every level needs a definition"}},
		{"empty name", []Level{{Key: "SEV1", Definition: "Down."}},
			map[string]string{"levels[0].name": "every level needs a name"}},
		{"empty key", []Level{{Key: " ", Name: "Critical", Definition: "Down."}},
			map[string]string{"levels[0].key": "every level needs a key"}},
		{"key with space", []Level{good("SEV 1")},
			map[string]string{"levels[0].key": `key "SEV 1" must be 1 to 20 letters`}},
		{"key too long", []Level{good(strings.Repeat("S", 21))},
			map[string]string{"levels[0].key": "must be 1 to 20 letters"}},
		{"key with dot", []Level{good("SEV.1")},
			map[string]string{"levels[0].key": "must be 1 to 20 letters"}},
		{"several problems", []Level{good("P0"), {Key: "P0"}},
			map[string]string{
				"levels[1].key":        "used by an earlier level",
				"levels[1].name":       "needs a name",
				"levels[1].definition": "needs a definition",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Scale{Kind: "severity", Levels: tc.levels}.Validate()
			if len(got) != len(tc.want) {
				t.Errorf("Validate() = %v, want problems at %v", got, tc.want)
			}
			for path, part := range tc.want {
				if !strings.Contains(got[path], part) {
					t.Errorf("problem at %s = %q, want it to contain %q", path, got[path], part)
				}
			}
		})
	}
}
