package i18n

import (
	"slices"
	"testing"
)

// sameAsEnglish are the messages whose translation is the English word
// itself, because the language uses that word too. Any other message that
// reads as in English is a translation someone forgot.
func sameAsEnglish() map[string][]string {
	return map[string][]string{
		"ja": {"Statuspage API"},
		"de": {"Incident", "Incidents", "Name", "optional", "Postmortem", "Review", "Reviews", "Status", "Position",
			"in {{.Duration}}", "Reviewer", "Version", "Tracker", "NAME"},
	}
}

// TestBuiltinCatalogsAgree: every message of the English catalog is in
// every built-in catalog, with the same shape (text or plural forms), the
// same placeholders and the plural forms the language needs, and no
// catalog has a message English lacks; so a reader of any built-in
// language never meets an English fallback.
func TestBuiltinCatalogsAgree(t *testing.T) {
	en, err := builtinEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range builtinLanguages()[1:] {
		c, err := builtin(lang)
		if err != nil {
			t.Fatal(err)
		}
		if errs := c.checkAgainst(en); len(errs) > 0 {
			t.Errorf("%s: %v", lang, errs)
		}
		for _, u := range c.Unknown {
			t.Errorf("%s: %v", lang, u)
		}
		for _, id := range sortedIDs(en.messages) {
			ref, e := en.messages[id], c.messages[id]
			if e == nil {
				t.Errorf("%s: no message %s (English: %q)", lang, id, ref.forms["other"])
				continue
			}
			if !slices.Equal(e.args, ref.args) {
				t.Errorf("%s: %s has the placeholders %v, English %v", lang, id, e.args, ref.args)
			}
			if !e.plural && e.forms["other"] == ref.forms["other"] && !slices.Contains(sameAsEnglish()[lang], ref.forms["other"]) {
				t.Errorf("%s: %s reads as in English (%q); translate it, or add it to sameAsEnglish if %s says it so too",
					lang, id, ref.forms["other"], lang)
			}
		}
	}
}

// TestEnglishPluralsHaveBothForms: a message that depends on a number has
// its one and other forms in English, so that "1 days" cannot come back.
func TestEnglishPluralsHaveBothForms(t *testing.T) {
	en, err := builtinEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range sortedIDs(en.messages) {
		e := en.messages[id]
		if e.plural && (e.forms["one"] == "" || e.forms["other"] == "") {
			t.Errorf("%s depends on a number but lacks the form one or other: %v", id, e.forms)
		}
		if e.plural && !slices.Contains(e.args, "Count") {
			t.Errorf("%s has plural forms but no {{.Count}}: the count chooses the form", id)
		}
	}
}
