package i18n

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A catalog file is YAML: a flat mapping from message ID to message.
// A message is text, or, when it depends on a number, a mapping of the
// CLDR plural forms the language uses (zero, one, two, few, many, other)
// with an optional description for translators:
//
//	page.incident.timeline: Timeline
//	flash.component_saved: Component {{.Key}} saved.
//	page.postmortem.findings:
//	  description: the lint's summary above the findings
//	  one: "{{.Count}} finding, {{.Blocking}} of them blocking publication."
//	  other: "{{.Count}} findings, {{.Blocking}} of them blocking publication."
//
// YAML was chosen over go-i18n's usual TOML because hansei already reads
// its config file with go.yaml.in/yaml/v3, which gives every key its line
// for the error messages; TOML would add a dependency for the same thing.
// See docs/i18n.md.

// maxCatalogBytes bounds a catalog file: the built-in English one is
// under 64 KiB, so 4 MiB leaves room for any language while keeping a
// wrong path (a device, a log file) from being read whole.
const maxCatalogBytes = 4 << 20

// pluralForms are the CLDR plural categories, in CLDR's order.
func pluralForms() []string { return []string{"zero", "one", "two", "few", "many", "other"} }

// A Catalog is one language's messages, as read from one file.
type Catalog struct {
	// Lang is the language's code, such as "fr" or "pt-BR".
	Lang string
	// File names where the messages came from, for messages about them.
	File string
	// Unknown are the messages the file has and hansei does not: they are
	// left out, and the server logs them, since a catalog written for
	// another version of hansei may have them.
	Unknown  Errors
	messages map[string]*entry
	order    []string // IDs in file order
}

// entry is one message: its text or plural forms, and where it is.
type entry struct {
	id     string
	line   int
	plural bool
	// forms holds the text of each plural form; a plain message has only
	// "other".
	forms map[string]string
	// args are the names of the message's placeholders, sorted.
	args []string
}

// Error is one problem in a catalog file, located by file, line and key.
type Error struct {
	File    string
	Line    int
	Key     string
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found in a catalog, in file order.
type Errors []*Error

// maxErrors bounds the problems reported for one file.
const maxErrors = 100

func (es Errors) Error() string {
	lines := make([]string, 0, len(es))
	for _, e := range es {
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ReadCatalog reads the catalog file at path for lang and checks it
// against the built-in English catalog (CheckCatalog). It reads regular
// files only, of at most 4 MiB.
func ReadCatalog(path, lang string) (*Catalog, error) {
	// Stat first: opening a named pipe would wait for a writer.
	if st, err := os.Stat(path); err != nil {
		return nil, Errors{{File: path, Message: "cannot read the catalog: " + unwrapPathError(err)}}
	} else if !st.Mode().IsRegular() {
		return nil, Errors{{File: path, Message: "the catalog must be a regular file (a YAML file such as fr.yaml)"}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, Errors{{File: path, Message: "cannot read the catalog: " + unwrapPathError(err)}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCatalogBytes+1))
	if err != nil {
		return nil, Errors{{File: path, Message: "cannot read the catalog: " + unwrapPathError(err)}}
	}
	if len(data) > maxCatalogBytes {
		return nil, Errors{{File: path, Message: fmt.Sprintf("the catalog is larger than %d MiB; a catalog of every message is far smaller", maxCatalogBytes>>20)}}
	}
	return CheckCatalog(path, lang, data)
}

func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// CheckCatalog parses a catalog for lang from data (name names it in
// messages) and checks it against the built-in English catalog: every
// message must be valid, have the shape of the English one (text or
// plural forms) and use only placeholders the English one has; a plural
// message needs every form lang uses for whole numbers. Keys English
// lacks are kept aside as warnings (Unknown), since a catalog written for
// another version of hansei may have them.
func CheckCatalog(name, lang string, data []byte) (*Catalog, error) {
	en, err := builtinEnglish()
	if err != nil {
		return nil, err
	}
	return checkCatalog(en, name, lang, data)
}

// CheckCatalog is the package's CheckCatalog against the English catalog
// c holds already.
func (c *Catalogs) CheckCatalog(name, lang string, data []byte) (*Catalog, error) {
	return checkCatalog(c.en, name, lang, data)
}

func checkCatalog(en *Catalog, name, lang string, data []byte) (*Catalog, error) {
	c, err := parseCatalog(name, lang, data)
	if err != nil {
		return nil, err
	}
	if errs := c.checkAgainst(en); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// parseCatalog reads a catalog's YAML and its messages' placeholders,
// without comparing it with another catalog.
func parseCatalog(name, lang string, data []byte) (*Catalog, error) {
	doc, err := parseDocument(data)
	if err != nil {
		var de *docError
		if errors.As(err, &de) {
			return nil, Errors{{File: name, Line: de.line, Message: de.msg}}
		}
		e := yamlError(name, err)
		if line, why := unquotedLine(data, e.Line); line > 0 {
			e.Line, e.Message = line, "not valid YAML: "+why
		}
		return nil, Errors{e}
	}
	c := &Catalog{Lang: lang, File: name, messages: map[string]*entry{}}
	if doc == nil || len(doc.Content) == 0 {
		return nil, Errors{{File: name, Message: "the catalog is empty; write one message a line, such as page.incident.timeline: Timeline"}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, Errors{{File: name, Line: root.Line, Message: "the catalog must be a mapping from message ID to message, such as page.incident.timeline: Timeline"}}
	}
	var errs Errors
	add := func(line int, key, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: name, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
		}
	}
	idPattern := regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || !idPattern.MatchString(k.Value) {
			add(k.Line, "", "%q is not a message ID; IDs are lower-case words joined by dots, such as page.incident.timeline", nodeText(k))
			continue
		}
		id := k.Value
		if _, dup := c.messages[id]; dup {
			add(k.Line, id, "the message is given twice; keep one")
			continue
		}
		e, msg := readEntry(id, k.Line, v)
		if msg != "" {
			add(e.line, id, "%s", msg)
			continue
		}
		c.messages[id] = e
		c.order = append(c.order, id)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// readEntry reads one message: text, or a mapping of plural forms.
func readEntry(id string, line int, v *yaml.Node) (*entry, string) {
	e := &entry{id: id, line: line, forms: map[string]string{}}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
		e.forms["other"] = v.Value
	case v.Style&yaml.FlowStyle != 0:
		// {{.Count}} days, unquoted, is a YAML flow mapping.
		first := "{"
		if v.Kind == yaml.SequenceNode {
			first = "["
		}
		e.line = v.Line
		return e, "the message starts with " + first + ", which YAML reads as markup, not text; put the message in quotes"
	case v.Kind == yaml.MappingNode:
		e.plural = true
		for i := 0; i+1 < len(v.Content); i += 2 {
			fk, fv := v.Content[i], v.Content[i+1]
			if fk.Kind != yaml.ScalarNode || fv.Kind != yaml.ScalarNode || fv.Tag != "!!str" {
				e.line = fk.Line
				return e, "a plural form is text, such as one: \"{{.Count}} day\""
			}
			if fk.Value == "description" {
				continue
			}
			if !slices.Contains(pluralForms(), fk.Value) {
				e.line = fk.Line
				return e, fmt.Sprintf("%q is not a plural form; use %s, or description", fk.Value, strings.Join(pluralForms(), ", "))
			}
			if _, dup := e.forms[fk.Value]; dup {
				e.line = fk.Line
				return e, fmt.Sprintf("the form %q is given twice", fk.Value)
			}
			e.forms[fk.Value] = fv.Value
		}
		if _, ok := e.forms["other"]; !ok {
			return e, "a message with plural forms needs the form other, used for every number the other forms do not cover"
		}
	case v.Kind == yaml.ScalarNode:
		e.line = v.Line
		return e, fmt.Sprintf("the message %s is read as %s, not text; put it in quotes", nodeText(v), strings.TrimPrefix(v.Tag, "!!"))
	default:
		e.line = v.Line
		return e, "a message is text, or a mapping of plural forms (one, other, …)"
	}
	set := map[string]bool{}
	for _, form := range pluralForms() {
		src, ok := e.forms[form]
		if !ok {
			continue
		}
		names, msg := placeholders(src)
		if msg != "" {
			return e, fmt.Sprintf("%s: %s", formLabel(e, form), msg)
		}
		for _, n := range names {
			set[n] = true
		}
	}
	for n := range set {
		e.args = append(e.args, n)
	}
	slices.Sort(e.args)
	return e, ""
}

func formLabel(e *entry, form string) string {
	if e.plural {
		return "form " + form
	}
	return "the message"
}
