package config

import (
	"slices"
	"testing"
)

// TestLevelTranslationsGiveEveryField: a configured level translates its
// criteria, response, pages and examples as well as its name, and a term
// may not (it has none of them).
func TestLevelTranslationsGiveEveryField(t *testing.T) {
	c, err := Parse("hansei.yaml", []byte(`severity:
  - key: SEV1
    name: Critical
    definition: Everything is down.
    criteria: [checkout fails]
    response: page now
    pages: on-call
    examples: [all down]
    translations:
      de:
        name: Kritisch
        criteria: [Bezahlvorgang schlägt fehl]
        response: sofort alarmieren
        pages: Rufbereitschaft
        examples: [alles ausgefallen]
      ja:
        response: 直ちに呼び出す
`))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Scales.Severity.Levels[0]
	de := l.In("de")
	if de.Name != "Kritisch" || de.Definition != "Everything is down." || !slices.Equal(de.Criteria, []string{"Bezahlvorgang schlägt fehl"}) ||
		de.Response != "sofort alarmieren" || de.Pages != "Rufbereitschaft" || !slices.Equal(de.Examples, []string{"alles ausgefallen"}) {
		t.Errorf("de = %+v", de)
	}
	if ja := l.In("ja"); ja.Response != "直ちに呼び出す" || ja.Name != "Critical" || ja.Pages != "on-call" {
		t.Errorf("ja = %+v", ja)
	}
	_, err = Parse("hansei.yaml", []byte("glossary:\n  - term: x\n    definition: y\n    translations:\n      de: {name: X, response: z}\n"))
	if err == nil {
		t.Error("a glossary term's translation took a response")
	}
}
