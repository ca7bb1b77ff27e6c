package i18n

import (
	"fmt"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// A Printer writes messages in one language. Pages, the command line,
// the export, notifications and the public page all print through one, so
// a message reads alike wherever it appears. A Printer is built once per
// language and is safe for concurrent use.
type Printer struct {
	lang  string
	c     *Catalogs
	table map[string]*printed
}

// printed is one message as this printer's language prints it: its own,
// or the English one where its catalog lacks it.
type printed struct {
	// lang is the language the message is printed in.
	lang string
	// text is the message when it is constant: no placeholders, no plural
	// forms. Most messages are, and print without go-i18n's machinery.
	text     string
	constant bool
	plural   bool
	// args are the English message's placeholders: every caller passes
	// them all.
	args []string
	// segs is a message with placeholders but no plural forms, split
	// once: filled in by concatenation, many times faster than
	// go-i18n's template (timeline pages print hundreds a request).
	segs []segment
	loc  *goi18n.Localizer
}

func newPrinter(c *Catalogs, bundle *goi18n.Bundle, lang string, own, en map[string]*entry) *Printer {
	p := &Printer{lang: lang, c: c, table: make(map[string]*printed, len(en))}
	locs := map[string]*goi18n.Localizer{}
	localizer := func(l string) *goi18n.Localizer {
		if locs[l] == nil {
			locs[l] = goi18n.NewLocalizer(bundle, l)
		}
		return locs[l]
	}
	for id, ref := range en {
		e, from := own[id], lang
		if e == nil {
			e, from = ref, "en"
		}
		m := &printed{lang: from, plural: ref.plural, args: ref.args}
		if !e.plural && len(e.args) == 0 && len(ref.args) == 0 {
			m.text, m.constant = e.forms["other"], true
		} else {
			if !e.plural && !ref.plural {
				m.segs = segments(e.forms["other"])
			}
			if m.segs == nil {
				m.loc = localizer(from)
			}
		}
		p.table[id] = m
	}
	return p
}

// Lang is the printer's language code.
func (p *Printer) Lang() string { return p.lang }

// T prints the message id with its arguments, given as name and value
// pairs: T("flash.component_saved", "Key", "db"). An argument named Count
// chooses the plural form of a message that depends on a number. A
// message this language lacks prints in English; an ID no catalog has
// prints nothing and is logged once (a test keeps every ID in code in the
// English catalog).
func (p *Printer) T(id string, args ...any) string {
	m := p.table[id]
	if m == nil {
		p.unknown(id)
		return ""
	}
	if m.constant {
		return m.text
	}
	data := make(map[string]any, len(m.args))
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			data[name] = args[i+1]
		}
	}
	return p.print(id, m, data)
}

// Has tells whether a catalog has the message id, for words made from
// data (word.intent_state.open), where a value may have none.
func (p *Printer) Has(id string) bool { return p.table[id] != nil }

// N prints a message that depends on a number: its plural form for
// count, with count as {{.Count}}, and the other arguments as T's.
func (p *Printer) N(id string, count int, args ...any) string {
	return p.T(id, append([]any{"Count", count}, args...)...)
}

// Message is a message by ID with its arguments: what a value that must
// be read in its reader's language carries instead of prose.
type Message struct {
	ID   string
	Args map[string]any
}

// MessageID is the message's ID.
func (m Message) MessageID() string { return m.ID }

// MessageArgs are the message's arguments by name.
func (m Message) MessageArgs() map[string]any { return m.Args }

// Localizable is a value that names its own message, such as an error
// that carries a message ID and arguments. Its methods use only the
// standard library's types, so that the domain can satisfy it without
// knowing this package.
type Localizable interface {
	MessageID() string
	MessageArgs() map[string]any
}

// Print prints a Localizable in the printer's language; an argument named
// Count chooses the plural form, as with T.
func (p *Printer) Print(l Localizable) string {
	m := p.table[l.MessageID()]
	if m == nil {
		p.unknown(l.MessageID())
		return ""
	}
	if m.constant {
		return m.text
	}
	data := make(map[string]any, len(m.args))
	for k, v := range l.MessageArgs() {
		data[k] = v
	}
	return p.print(l.MessageID(), m, data)
}

// print fills in a message that has placeholders or plural forms. An
// argument that is itself a Localizable (a data word inside a timeline
// sentence) is printed in this language first; one no catalog has prints
// as its String, so that a value without a word still shows. An argument
// that carries its own translations (a configured level: InLanguage)
// says itself in this language.
func (p *Printer) print(id string, m *printed, data map[string]any) string {
	for k, v := range data {
		if l, ok := v.(interface{ InLanguage(lang string) string }); ok {
			data[k] = l.InLanguage(p.lang)
			continue
		}
		if l, ok := v.(Localizable); ok {
			if p.Has(l.MessageID()) {
				data[k] = p.Print(l)
			} else {
				data[k] = fmt.Sprint(v)
			}
		}
	}
	for _, a := range m.args {
		if _, ok := data[a]; !ok {
			// A caller that leaves an argument out gets an empty one, not
			// text/template's "<no value>" on a page.
			data[a] = ""
			if p.c.once("arg " + id + " " + a) {
				p.c.log.Error("message printed without an argument", "key", id, "arg", a)
			}
		}
	}
	if m.segs != nil {
		var b strings.Builder
		for _, s := range m.segs {
			if s.arg == "" {
				b.WriteString(s.text)
			} else if v := data[s.arg]; v != nil {
				fmt.Fprint(&b, v)
			}
		}
		return b.String()
	}
	lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if m.plural {
		lc.PluralCount = data["Count"]
		if lc.PluralCount == nil || lc.PluralCount == "" {
			lc.PluralCount = 0
		}
	}
	s, err := m.loc.Localize(lc)
	if err != nil && p.c.once("err "+m.lang+" "+id) {
		p.c.log.Error("message could not be printed", "lang", m.lang, "key", id, "err", err)
	}
	return s
}

func (p *Printer) unknown(id string) {
	if p.c.once("id " + id) {
		p.c.log.Error("no catalog has this message", "key", id)
	}
}

// String shows the printer in logs.
func (p *Printer) String() string { return fmt.Sprintf("i18n.Printer(%s)", p.lang) }
