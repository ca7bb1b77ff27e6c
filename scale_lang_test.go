package hansei

import "testing"

// TestDefaultLevelsSpeakJapaneseAndGerman: every field of every built-in
// level reads in ja and de, with as many criteria and examples as in
// English, so the scales page shows no English sentence to their readers.
func TestDefaultLevelsSpeakJapaneseAndGerman(t *testing.T) {
	s := DefaultScales()
	for _, sc := range []Scale{s.Severity, s.Priority} {
		for _, l := range sc.Levels {
			for _, lang := range []string{"ja", "de"} {
				in := l.In(lang)
				// A name may be the same word (Backlog, Normal in German).
				if in.Definition == l.Definition || in.Response == l.Response || in.Pages == l.Pages {
					t.Errorf("%s in %s: a field is untranslated: %+v", l.Key, lang, in)
				}
				if len(in.Criteria) != len(l.Criteria) || len(in.Examples) != len(l.Examples) {
					t.Errorf("%s in %s: %d criteria and %d examples, want %d and %d", l.Key, lang,
						len(in.Criteria), len(in.Examples), len(l.Criteria), len(l.Examples))
				}
				for i := range min(len(in.Criteria), len(l.Criteria)) {
					if in.Criteria[i] == l.Criteria[i] {
						t.Errorf("%s in %s: criterion %d is untranslated", l.Key, lang, i)
					}
				}
				for i := range min(len(in.Examples), len(l.Examples)) {
					if in.Examples[i] == l.Examples[i] {
						t.Errorf("%s in %s: example %d is untranslated", l.Key, lang, i)
					}
				}
			}
			if en := l.In("en"); en.Response != l.Response || len(en.Criteria) != len(l.Criteria) {
				t.Errorf("%s in en differs from the configured level", l.Key)
			}
		}
	}
}

// TestLevelInFallsBack: a translation that gives only some fields leaves
// the others as configured.
func TestLevelInFallsBack(t *testing.T) {
	l := Level{Key: "A", Name: "Alpha", Definition: "first", Criteria: []string{"c"}, Response: "r", Pages: "p",
		Examples: []string{"e"}, Translations: map[string]Translation{"fr": {Response: "réponse"}}}
	in := l.In("fr")
	if in.Response != "réponse" || in.Name != "Alpha" || in.Pages != "p" || in.Criteria[0] != "c" || in.Examples[0] != "e" {
		t.Errorf("In(fr) = %+v", in)
	}
}
