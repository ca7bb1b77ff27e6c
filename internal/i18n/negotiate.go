package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// Choosing a reader's language. x/text/language's Matcher does the
// matching (de-AT finds de, zh-Hant does not find zh-Hans), as BCP 47 and
// CLDR describe it; hansei only decides which source counts first: a
// ?lang= parameter, then the signed-in user's setting, then the browser's
// Accept-Language, then the default.

// Match is the catalog language for one tag, such as a user's setting:
// de-AT → de. A tag no catalog speaks gets English.
func (c *Catalogs) Match(tag string) string {
	if lang, ok := c.Lookup(tag); ok {
		return lang
	}
	return "en"
}

// Lookup is the catalog language for one tag, and whether there is one: a
// ?lang= parameter or a user's setting names a language, and one that no
// catalog speaks leaves the choice to the next source.
func (c *Catalogs) Lookup(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	if tag == "" || len(tag) > 35 {
		return "", false
	}
	if c.Has(tag) {
		return tag, true
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	return c.match(t)
}

// FromAcceptLanguage is the language a browser's Accept-Language header
// prefers most among the catalogs', by quality (ja;q=0, de picks de),
// and whether it names one at all. An entry that cannot be read is
// skipped, not the whole header.
func (c *Catalogs) FromAcceptLanguage(header string) (string, bool) {
	if header == "" || len(header) > 1024 {
		return "", false
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		tags = tags[:0]
		var qs []float32
		for _, part := range strings.Split(header, ",") {
			if t, q, err := language.ParseAcceptLanguage(part); err == nil && len(t) == 1 {
				// keep the header's order among equal qualities
				i := len(qs)
				for i > 0 && qs[i-1] < q[0] {
					i--
				}
				tags = append(tags[:i], append([]language.Tag{t[0]}, tags[i:]...)...)
				qs = append(qs[:i], append([]float32{q[0]}, qs[i:]...)...)
			}
		}
	}
	if len(tags) == 0 {
		return "", false
	}
	return c.match(tags...)
}

// Negotiate is the language of a request that has no signed-in user:
// the ?lang= parameter if a catalog speaks it, else the browser's
// Accept-Language, else fallback (the organisation's default).
func (c *Catalogs) Negotiate(param, acceptLanguage, fallback string) string {
	if lang, ok := c.Lookup(param); ok {
		return lang
	}
	if lang, ok := c.FromAcceptLanguage(acceptLanguage); ok {
		return lang
	}
	return c.Match(fallback)
}

// match asks the Matcher; a match it has no confidence in (the browser
// asked for French only) is no match.
func (c *Catalogs) match(tags ...language.Tag) (string, bool) {
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No || i < 0 || i >= len(c.langs) {
		return "", false
	}
	return c.langs[i], true
}
