// Package i18n holds the interface's words in every language it speaks:
// the texts are written in English where they are used (templates, Go)
// and translated here; a text without a translation shows in English. The
// severity and priority scales carry their own translations (scale.go).
package i18n

import "strings"

// Languages are the languages the interface is translated into.
func Languages() []string { return []string{"en", "ja", "de"} }

// Match picks the interface language for a user's language tag, such as
// "de-AT" → "de"; anything else gets English.
func Match(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	for _, l := range Languages() {
		if l == base {
			return l
		}
	}
	return "en"
}

// FromAcceptLanguage picks the first supported language a browser asks
// for.
func FromAcceptLanguage(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := Match(tag); l != "en" || strings.HasPrefix(strings.ToLower(tag), "en") {
			return l
		}
	}
	return "en"
}

// Catalog is every translation, built once and read by all requests.
type Catalog struct {
	texts map[string]map[string]string
}

// New builds the catalog.
func New() *Catalog {
	return &Catalog{texts: map[string]map[string]string{
		// The data words that templates translate (states, kinds) read
		// as English words.
		"en": {"stand_down": "stand down", "stood_down": "stood down"},
		"ja": textJA(),
		"de": textDE(),
	}}
}

// T translates an interface text into lang.
func (c *Catalog) T(lang, text string) string {
	if t, ok := c.texts[lang][text]; ok {
		return t
	}
	return text
}

// Has tells whether lang has its own text for text (tests use it to find
// texts nobody translated).
func (c *Catalog) Has(lang, text string) bool {
	_, ok := c.texts[lang][text]
	return ok
}

// Translations are the texts of lang, keyed by their English text.
func (c *Catalog) Translations(lang string) map[string]string { return c.texts[lang] }
