package i18n

import (
	"fmt"
	"slices"
	"strings"
	"text/template/parse"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// placeholders returns the names of the placeholders in a message
// ({{.Name}}), or what is wrong with it. A placeholder is all a message
// may hold besides text: no functions, conditions or loops, so that a
// translator cannot break a page and a catalog says plainly what it
// needs. Words that depend on a number are plural forms, not conditions.
func placeholders(src string) ([]string, string) {
	if !strings.Contains(src, "{{") {
		return nil, ""
	}
	trees, err := parse.Parse("m", src, "{{", "}}")
	if err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return nil, "a placeholder cannot be read (" + msg + "); write a placeholder as {{.Name}}"
	}
	if len(trees) != 1 || trees["m"] == nil {
		return nil, "only placeholders such as {{.Count}} are allowed in a message"
	}
	var names []string
	for _, n := range trees["m"].Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			name, ok := fieldName(n)
			if !ok {
				return nil, fmt.Sprintf("%s is not a placeholder; write a placeholder as {{.Name}}, with a name the English message uses", n)
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		default:
			return nil, fmt.Sprintf("%s is not allowed; a message holds text and placeholders such as {{.Count}}", n)
		}
	}
	return names, ""
}

// fieldName reads {{.Name}}.
func fieldName(a *parse.ActionNode) (string, bool) {
	p := a.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

// checkAgainst checks a catalog against the English one: each message has
// the English one's shape, only its placeholders, and, if it depends on a
// number, the plural forms the language needs. Messages English lacks
// are left out of the catalog and listed in Unknown.
func (c *Catalog) checkAgainst(en *Catalog) Errors {
	var errs Errors
	add := func(e *entry, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: c.File, Line: e.line, Key: e.id, Message: fmt.Sprintf(format, args...)})
		}
	}
	forms, err := usedForms(c.Lang)
	if err != nil {
		return Errors{{File: c.File, Message: err.Error()}}
	}
	var known []string
	for _, id := range c.order {
		e := c.messages[id]
		ref, ok := en.messages[id]
		if !ok {
			c.Unknown = append(c.Unknown, &Error{File: c.File, Line: e.line, Key: id,
				Message: "hansei has no such message (a catalog of another version?); it is not used"})
			delete(c.messages, id)
			continue
		}
		known = append(known, id)
		switch {
		case ref.plural && !e.plural:
			add(e, "the English message depends on a number: give plural forms, such as one: … and other: …, not one text")
			continue
		case !ref.plural && e.plural:
			add(e, "the English message is one text; write the translation as text, not plural forms")
			continue
		}
		for _, a := range e.args {
			if !slices.Contains(ref.args, a) {
				add(e, "the placeholder {{.%s}} is not one of the English message's (%s)", a, argList(ref.args))
			}
		}
		if e.plural {
			for _, f := range pluralForms() {
				if n, used := forms[f]; used && e.forms[f] == "" {
					add(e, "%s uses the plural form %s (for numbers such as %d); add it", c.Lang, f, n)
				}
			}
		}
	}
	c.order = known
	return errs
}

func argList(args []string) string {
	if len(args) == 0 {
		return "it has none"
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "{{." + a + "}}"
	}
	return strings.Join(out, ", ")
}

// usedForms are the plural forms lang uses for the whole numbers 0 to
// 200, each with a number that takes it. They are asked of go-i18n, the
// library that picks the form when a message is printed, so that the
// check and the printing follow the same (CLDR) rules.
func usedForms(lang string) (map[string]int, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("%q is not a language code; use a BCP 47 code such as fr or pt-BR", lang)
	}
	b := goi18n.NewBundle(language.English)
	probe := &goi18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := b.AddMessages(tag, probe); err != nil {
		return nil, fmt.Errorf("no plural rules are known for %q, so hansei cannot tell one from many there; use a language code CLDR knows", lang)
	}
	loc := goi18n.NewLocalizer(b, tag.String())
	out := map[string]int{}
	for n := 200; n >= 0; n-- {
		form, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if err != nil {
			return nil, err
		}
		out[form] = n
	}
	return out, nil
}

// segment is a piece of a checked message: literal text, or the name of
// a placeholder to fill in.
type segment struct {
	text, arg string
}

// segments splits a message that placeholders() accepted into its pieces,
// so that a printer fills it in without running a template: a message
// holds only text and {{.Name}}, so filling in is concatenation.
func segments(src string) []segment {
	trees, err := parse.Parse("m", src, "{{", "}}")
	if err != nil || trees["m"] == nil {
		return nil
	}
	var segs []segment
	for _, n := range trees["m"].Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			segs = append(segs, segment{text: string(n.Text)})
		case *parse.ActionNode:
			name, ok := fieldName(n)
			if !ok {
				return nil
			}
			segs = append(segs, segment{arg: name})
		default:
			return nil
		}
	}
	return segs
}
