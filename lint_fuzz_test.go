package hansei

import (
	"strings"
	"testing"
)

// FuzzLint: Lint never panics, and every finding about a text section has
// rune offsets inside that section's text and quotes exactly that span.
func FuzzLint(f *testing.F) {
	seeds := []string{
		"Bob failed to check the replica lag. Human error; he should have been more careful.",
		"佐藤さんが確認を怠った。人的ミス。至急対応する。",
		"Bob Smith, the on-call engineer, ignored the page ASAP.",
		"Bob's mistake", "bob'", "Bob,", "Bob, ,", "佐藤さん", "佐藤の", "佐藤が",
		"just-in-time critical path SEV1 urgent.", "\xff\xfeBob failed", "すべきだったべきだった",
		"", " ", "-", "'", "’s",
	}
	for _, s := range seeds {
		f.Add(s, "bob", int64(2))
	}
	f.Fuzz(func(t *testing.T, text, person string, parent int64) {
		rules := DefaultLintRules()
		doc := LintDoc{
			Sections: map[string]string{"summary": text, "lessons": strings.ToUpper(text), "extra": person + " " + text},
			Required: []string{"impact", "whys", "remediations", text},
			People:   []string{person, "bob", "佐藤", text},
			Whys: []LintWhy{
				{ID: 1, Answer: text, Factor: person},
				{ID: 2, Parent: parent, Answer: person},
				{ID: parent, Parent: 2, Answer: text},
			},
			Remediations: []LintRemediation{{ID: 1, Title: text, Owner: person, Due: text}},
		}
		rules.LevelKeys = append(rules.LevelKeys, person)
		rules.Blame = append(rules.Blame, LintPhrase{Phrase: person, ExceptFollowedBy: []string{text}, ExceptPrecededBy: []string{person}})
		for _, fd := range Lint(doc, rules) {
			body, ok := doc.Sections[fd.Section]
			if !ok {
				if fd.Start != 0 || fd.End != 0 {
					t.Fatalf("finding outside a text section has a span: %+v", fd)
				}
				continue
			}
			rs := []rune(body)
			if fd.Start < 0 || fd.Start > fd.End || fd.End > len(rs) {
				t.Fatalf("span [%d,%d) outside %d runes: %+v", fd.Start, fd.End, len(rs), fd)
			}
			if fd.Rule == RuleMissingSection {
				continue
			}
			if got := string(rs[fd.Start:fd.End]); got != fd.Text {
				t.Fatalf("runes[%d:%d] = %q, finding text %q", fd.Start, fd.End, got, fd.Text)
			}
		}
	})
}
