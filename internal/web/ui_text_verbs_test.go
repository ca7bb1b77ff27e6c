package web

import (
	"regexp"
	"slices"
	"testing"
)

// fmtVerb matches a format verb such as %d, %s, %q, %v or %5.2f, and %%.
var fmtVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// TestTranslationsKeepVerbs: a translation has the same format verbs as its
// English text, in the same order, so that Tf fills it in as it does the
// English.
func TestTranslationsKeepVerbs(t *testing.T) {
	for lang, dict := range map[string]map[string]string{"ja": textJA, "de": textDE} {
		for key, val := range dict {
			want, got := fmtVerb.FindAllString(key, -1), fmtVerb.FindAllString(val, -1)
			if !slices.Equal(want, got) {
				t.Errorf("%s: %q has verbs %v, its translation %q has %v", lang, key, want, val, got)
			}
		}
	}
}
