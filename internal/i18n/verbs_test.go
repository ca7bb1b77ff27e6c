package i18n_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// fmtVerb matches a format verb such as %d, %s, %q, %v or %5.2f, and %%.
func fmtVerb() *regexp.Regexp { return regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`) }

// TestTranslationsKeepVerbs: a translation has the same format verbs as its
// English text, in the same order, so that Tf fills it in as it does the
// English.
func TestTranslationsKeepVerbs(t *testing.T) {
	cat := i18n.New()
	for _, lang := range []string{"ja", "de"} {
		dict := cat.Translations(lang)
		for key, val := range dict {
			want, got := fmtVerb().FindAllString(key, -1), fmtVerb().FindAllString(val, -1)
			if !slices.Equal(want, got) {
				t.Errorf("%s: %q has verbs %v, its translation %q has %v", lang, key, want, val, got)
			}
		}
	}
}
