// Package i18n holds hansei's words in every language it speaks, and the
// printer that every adapter writes them with.
//
// The words are data: one catalog file a language (catalogs/en.yaml,
// ja.yaml, de.yaml, embedded in the binary; more from the config file),
// each a mapping from message ID, such as page.incident.timeline, to the
// message. A message names its arguments ({{.Key}}), so a language puts
// them where its grammar wants them, and a message that depends on a
// number has CLDR plural forms, chosen by go-i18n. English is complete and
// is the fallback: a message another catalog lacks is printed in English,
// never as its ID. See docs/i18n.md, written for translators.
//
// Code asks for words by ID through a Printer for one language:
//
//	p := cats.Printer("de")
//	p.T("flash.component_saved", "Key", c.Key)
//	p.N("page.review.not_reviewed_for_days", days)
package i18n

import (
	"embed"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalogs/*.yaml
var builtinFiles embed.FS

// builtinLanguages are the languages whose catalogs are built in, English
// first: it is the reference every other catalog is checked against.
func builtinLanguages() []string { return []string{"en", "ja", "de"} }

// nameID is the message that holds a language's own name, as the
// language selector shows it (日本語, Deutsch).
const nameID = "meta.language_name"

// Catalogs are every language's messages, built once at start and read
// by every request: the built-in catalogs and the deployment's.
type Catalogs struct {
	langs    []string
	en       *Catalog
	printers map[string]*Printer
	matcher  language.Matcher
	log      *slog.Logger
	// reported holds what was logged once already: an ID no catalog has,
	// an argument a caller left out.
	reported sync.Map
}

// Builtin returns the built-in catalogs (en, ja, de) alone, logging
// nowhere.
func Builtin() (*Catalogs, error) { return New(nil, nil) }

// MustBuiltin is Builtin for the places where a bad built-in catalog is a
// build mistake that tests catch.
func MustBuiltin() *Catalogs {
	c, err := Builtin()
	if err != nil {
		panic(err)
	}
	return c
}

// New builds the catalogs: the built-in ones, then the deployment's
// (checked already, see ReadCatalog). A deployment's catalog for a
// built-in language replaces the built-in messages it has; one for another
// language falls back to English for each message it lacks, and each is
// logged once, here. log may be nil.
func New(extra []*Catalog, log *slog.Logger) (*Catalogs, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	langs := builtinLanguages()
	merged := map[string]map[string]*entry{}
	var enCatalog *Catalog
	for _, lang := range langs {
		c, err := builtin(lang)
		if err != nil {
			return nil, err
		}
		merged[lang] = maps.Clone(c.messages)
		if lang == "en" {
			enCatalog = c
		}
	}
	en := merged["en"]
	for _, c := range extra {
		for _, u := range c.Unknown {
			log.Warn("catalog message not used", "file", u.File, "line", u.Line, "key", u.Key, "reason", u.Message)
		}
		msgs, ok := merged[c.Lang]
		if !ok {
			msgs = map[string]*entry{}
			merged[c.Lang] = msgs
			langs = append(langs, c.Lang)
			for _, id := range sortedIDs(en) {
				if _, has := c.messages[id]; !has && id != nameID {
					log.Warn("catalog lacks a message; English is shown", "file", c.File, "lang", c.Lang, "key", id)
				}
			}
		}
		for id, e := range c.messages {
			msgs[id] = e
		}
	}
	cs := &Catalogs{langs: langs, en: enCatalog, printers: map[string]*Printer{}, log: log}
	bundle := goi18n.NewBundle(language.English)
	tags := make([]language.Tag, len(langs))
	for i, lang := range langs {
		tags[i] = language.Make(lang)
		var msgs []*goi18n.Message
		for _, e := range merged[lang] {
			msgs = append(msgs, e.message())
		}
		if err := bundle.AddMessages(tags[i], msgs...); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
	}
	cs.matcher = language.NewMatcher(tags)
	for _, lang := range langs {
		cs.printers[lang] = newPrinter(cs, bundle, lang, merged[lang], en)
	}
	return cs, nil
}

// builtin parses a built-in catalog.
func builtin(lang string) (*Catalog, error) {
	name := "catalogs/" + lang + ".yaml"
	data, err := builtinFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parseCatalog("internal/i18n/"+name, lang, data)
}

// builtinEnglish is the reference catalog.
func builtinEnglish() (*Catalog, error) { return builtin("en") }

// Languages are the codes of the languages there are catalogs for: en,
// ja and de, then the deployment's in the order the config names them.
func (c *Catalogs) Languages() []string { return slices.Clone(c.langs) }

// Has tells whether there is a catalog for lang.
func (c *Catalogs) Has(lang string) bool { return c.printers[lang] != nil }

// Name is a language's name in that language (日本語, Deutsch), for a
// language selector; a catalog that does not give one shows its code.
func (c *Catalogs) Name(lang string) string {
	p := c.printers[lang]
	if p == nil {
		return lang
	}
	if m := p.table[nameID]; m != nil && m.lang == lang {
		return m.text
	}
	return lang
}

// Printer is the printer for lang, or for English if there is no catalog
// for lang (use Match first to map a user's tag to a catalog).
func (c *Catalogs) Printer(lang string) *Printer {
	if p := c.printers[lang]; p != nil {
		return p
	}
	return c.printers["en"]
}

// once reports whether key is seen for the first time, for logging a
// problem once.
func (c *Catalogs) once(key string) bool {
	_, seen := c.reported.LoadOrStore(key, true)
	return !seen
}

// message is the entry as go-i18n holds it.
func (e *entry) message() *goi18n.Message {
	return &goi18n.Message{ID: e.id, Zero: e.forms["zero"], One: e.forms["one"], Two: e.forms["two"],
		Few: e.forms["few"], Many: e.forms["many"], Other: e.forms["other"]}
}

func sortedIDs(m map[string]*entry) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
