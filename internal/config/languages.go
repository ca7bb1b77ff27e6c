package config

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// Language is a language the deployment adds, or a built-in one whose
// words it changes, from a catalog file (see docs/i18n.md).
type Language struct {
	// Code is the language's BCP 47 code, such as fr or pt-BR.
	Code string
	// Catalog is the catalog file as the config names it; a relative path
	// is read from the config file's directory.
	Catalog string
	// Messages are the catalog's messages, read and checked against the
	// built-in English catalog when the configuration is loaded.
	Messages *i18n.Catalog
}

// The languages section:
//
//	languages:
//	  - code: fr
//	    catalog: i18n/fr.yaml     # next to the config file, or an absolute path
//
// A catalog that cannot be read, is not valid YAML, or whose message has a
// placeholder the English message lacks stops hansei at start with the
// catalog's file, line and message ID.
func languagesField() field[Config] {
	return field[Config]{key: "languages",
		doc: "Languages added from catalog files (a message a new language lacks is shown in English), or built-in ones reworded (see [i18n.md](i18n.md)).",
		value: recordsValue[Config, Language]{at: func(c *Config) *[]Language { return &c.Languages },
			fields: languageFields(), noun: "language", check: checkLanguages}}
}

func languageFields() []field[Language] {
	code := textKind(func(lang string) string {
		if lang == "" {
			return "code is required: the language's code, such as fr or pt-BR"
		}
		return checkLanguage(lang)
	})
	return []field[Language]{
		{key: "code", doc: "The language's BCP 47 code, such as `fr` or `pt-BR`; `en`, `ja` or `de` rewords a built-in language.",
			required: "code is required: the language's code, such as fr or pt-BR",
			value:    scalar(func(l *Language) *string { return &l.Code }, code, "")},
		{key: "catalog", doc: "The catalog file (YAML, one message per ID); a relative path is read from the config file's directory.",
			required: "catalog is required: the catalog file, such as i18n/fr.yaml",
			value:    scalar(func(l *Language) *string { return &l.Catalog }, text(), "")},
	}
}

// checkLanguages reads every catalog once its records are decoded: a code
// given twice, or a catalog that cannot be used, is a problem, reported at
// the catalog's own file and line when the fault is inside it.
func checkLanguages(d *decoder, langs []Language, path string) {
	seen := map[string]bool{}
	for i := range langs {
		l := &langs[i]
		at := fmt.Sprintf("%s[%d]", path, i)
		if l.Code == "" || l.Catalog == "" || d.isExplained(at) {
			continue
		}
		if seen[l.Code] {
			d.problem(at+".code", "the language %s is given twice; give each language one catalog", l.Code)
			continue
		}
		seen[l.Code] = true
		file := l.Catalog
		if !filepath.IsAbs(file) && d.file != "" {
			file = filepath.Join(filepath.Dir(d.file), file)
		}
		cat, err := i18n.ReadCatalog(file, l.Code)
		var es i18n.Errors
		switch {
		case err == nil:
			l.Messages = cat
		case errors.As(err, &es):
			for _, e := range es {
				if e.Line == 0 && e.Key == "" {
					// The file as a whole: say where the config names it.
					d.problem(at+".catalog", "%s: %s", file, e.Message)
					continue
				}
				d.add(&Error{File: e.File, Line: e.Line, Field: e.Key, Message: e.Message})
			}
		default:
			d.problem(at+".catalog", "%s: %v", file, err)
		}
	}
}
