// Package config reads hansei's configuration: built-in defaults, then an
// optional YAML file, then HANSEI_* environment variables. Command-line flags
// are applied by the caller last, so the precedence is
// flags > environment > file > defaults.
//
// The file has five top-level keys, all optional:
//
//	addr: 127.0.0.1:8080        # listen address (host:port)
//	db: hansei.db               # a file path, sqlite:PATH or postgres://…
//	severity: [level, …]        # replaces the built-in SEV1…SEV4 scale
//	priority: [level, …]        # replaces the built-in P0…P3 scale
//	glossary: [term, …]         # replaces the built-in glossary
//
// A level has key, name, definition, criteria (list), response, pages,
// out_of_hours (true or false), examples (list) and translations (a map from
// a language code such as ja, de or pt-BR to {name, definition}). A glossary
// term has term, definition and translations. A scale given in the file
// replaces the built-in one entirely; it is not merged level by level.
//
// Unknown fields, wrong types and invalid scales are errors that name the
// file, the line and the field, for example
//
//	hansei.yaml:14: severity[1].definition: every level needs a definition: …
//
// See docs/configuration.md for the whole format.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"go.yaml.in/yaml/v3"
)

// Config is hansei's configuration.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string
	// DB names the database: a file path or sqlite:PATH for SQLite,
	// postgres://… or postgresql://… for PostgreSQL.
	DB string
	// Scales are the severity and priority scales and the glossary.
	Scales hansei.Scales
	// Path is the config file that was read, if any.
	Path string
	// Reviews says when follow-up reviews are held, in which time zone.
	Reviews hansei.ReviewPolicy
	// Notify says where notifications go and when reminders are sent.
	Notify Notify
	// Lint holds the postmortem lint's rules: the built-in ones, with the
	// file's additions and disabled rules.
	Lint hansei.LintRules
	// IntentWindow is the objection window of a statement of intent when
	// its author gives none (1s to 24h; default 5m).
	IntentWindow time.Duration
	// Status is the public status page: its name, address and limits.
	Status Status
}

// Defaults, used when neither the file, the environment nor a flag sets a
// value.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "hansei.db"
)

// Default returns the built-in configuration.
func Default() Config {
	return Config{Addr: DefaultAddr, DB: DefaultDB, Scales: hansei.DefaultScales(), IntentWindow: hansei.DefaultIntentWindow,
		Lint: hansei.DefaultLintRules(), Notify: Notify{Reminders: hansei.DefaultReminderPolicy()},
		Reviews: hansei.DefaultReviewPolicy(), Status: defaultStatus()}
}

// Load reads the YAML file at path (if path != "") over the defaults, then
// applies HANSEI_ADDR and HANSEI_DB from getenv (a nil getenv reads no
// environment), then validates. Problems in the file or the environment are
// returned as Errors, with a zero Config; a file that cannot be read is
// reported as such. HANSEI_CONFIG and command-line flags are the caller's:
// it picks path, and applies flags to the Config it gets back.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	d := newDecoder(path)
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
		d.decode(data, &c)
		c.Path = path
	}
	if getenv != nil && !d.broken {
		for _, env := range []struct {
			name  string
			field string
			dst   *string
		}{
			{"HANSEI_ADDR", "addr", &c.Addr},
			{"HANSEI_DB", "db", &c.DB},
			{"HANSEI_PUBLIC_ADDR", "status.public_addr", &c.Status.PublicAddr},
		} {
			if v := getenv(env.name); v != "" {
				*env.dst = v
				d.src[env.field] = source{env: env.name}
			}
		}
	}
	if err := d.finish(&c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Parse parses YAML bytes over the defaults and validates the result. name
// names the data in error messages, usually the file name; Path is left
// empty. Problems are returned as Errors, with a zero Config.
func Parse(name string, data []byte) (Config, error) {
	c := Default()
	d := newDecoder(name)
	d.decode(data, &c)
	if err := d.finish(&c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Error is one problem in the configuration, located by file, line and field.
type Error struct {
	// File is the file name given to Load or Parse; empty for problems that
	// come from the environment.
	File string
	// Line is the 1-based line in File, or 0 when the problem has no line.
	Line int
	// Field is the path of the field at fault, such as severity[1].definition
	// or HANSEI_ADDR; empty for problems with the file as a whole.
	Field string
	// Message says what is wrong and what would be right.
	Message string
}

// Error returns "file:line: field: message", leaving out what is unknown.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found, ordered by line (problems without a line
// last). Its message has one line per problem, the first problem first;
// errors.As with a *Error finds the first problem.
type Errors []*Error

// maxReported bounds the lines of Errors.Error.
const maxReported = 10

func (es Errors) Error() string {
	lines := make([]string, 0, len(es))
	for i, e := range es {
		if i == maxReported {
			lines = append(lines, fmt.Sprintf("… and %d more problems", len(es)-maxReported))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors, for errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// source says where a field's value came from: a line of the file or an
// environment variable.
type source struct {
	line int
	env  string
}

// maxNodes bounds the YAML nodes visited, counting every expansion of an
// alias, so that a small file of nested aliases cannot take unbounded time
// and memory.
const maxNodes = 200_000

// maxProblems bounds the problems collected; decoding stops there.
const maxProblems = 1000

// maxMergeDepth bounds merge keys (<<) that merge mappings that merge
// mappings, which also stops a mapping that merges itself.
const maxMergeDepth = 16

type decoder struct {
	file string
	errs Errors
	// lines maps a field path (severity[1].definition) to its line, so that
	// problems found after decoding can be located.
	lines map[string]int
	// src says where addr, db and status.public_addr came from.
	src map[string]source
	// explained holds the paths whose problems a decoding error already
	// explains (a value of the wrong type, a misspelt field name), so that
	// validation does not report them a second time.
	explained map[string]bool
	visited   int
	// broken is set by problems that stop decoding (syntax, too many nodes).
	broken bool
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, lines: map[string]int{}, src: map[string]source{}, explained: map[string]bool{}}
}

func (d *decoder) errorAt(line int, field, format string, args ...any) {
	if len(d.errs) >= maxProblems {
		d.broken = true
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// typeError reports a value of the wrong type at path; validation then
// leaves that path alone.
func (d *decoder) typeError(n *yaml.Node, path, format string, args ...any) {
	d.explained[path] = true
	d.errorf(n, path, format, args...)
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errorAt(line, field, format, args...)
}

// visit counts a node against maxNodes and reports whether decoding may go on.
func (d *decoder) visit(n *yaml.Node) bool {
	if d.broken {
		return false
	}
	d.visited++
	if d.visited > maxNodes {
		d.broken = true
		d.errorf(n, "", "the file expands to more than %d values (through aliases); write it out more simply", maxNodes)
		return false
	}
	return true
}

// resolve follows aliases to the node they name.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && d.visit(n) {
		n = n.Alias
	}
	return n
}

// decode parses data and fills c with what the file sets.
func (d *decoder) decode(data []byte, c *Config) {
	doc, err := parseYAML(data)
	if err != nil {
		d.broken = true
		d.errs = append(d.errs, syntaxError(d.file, err))
		return
	}
	if doc == nil || len(doc.Content) == 0 {
		return // an empty file (or only comments): the defaults
	}
	root := d.resolve(doc.Content[0])
	if root == nil || d.broken {
		return
	}
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "the file must be a mapping of settings (addr, db, severity, priority, glossary), not %s", describe(root))
		return
	}
	d.fields(root, "", fieldSet{
		"addr":     func(k, v *yaml.Node, p string) { d.text(v, p, &c.Addr); d.src["addr"] = source{line: k.Line} },
		"db":       func(k, v *yaml.Node, p string) { d.text(v, p, &c.DB); d.src["db"] = source{line: k.Line} },
		"severity": func(k, v *yaml.Node, p string) { c.Scales.Severity = d.scale(v, p) },
		"priority": func(k, v *yaml.Node, p string) { c.Scales.Priority = d.scale(v, p) },
		"glossary": func(k, v *yaml.Node, p string) { c.Scales.Glossary = d.glossary(v, p) },
		"lint":     func(k, v *yaml.Node, p string) { d.lint(v, p, &c.Lint) },
		"notify":   func(k, v *yaml.Node, p string) { d.notify(v, p, &c.Notify) },
		"reviews":  func(k, v *yaml.Node, p string) { d.reviews(v, p, &c.Reviews) },
		"status":   func(k, v *yaml.Node, p string) { d.status(v, p, &c.Status) },
		"intent_window": func(k, v *yaml.Node, p string) {
			var raw string
			d.text(v, p, &raw)
			w, err := time.ParseDuration(raw)
			if raw == "" || err != nil || w < hansei.MinIntentWindow || w > hansei.MaxIntentWindow {
				d.errorf(v, p, "intent_window must be a duration from 1s to 24h, such as 5m or 90s, not %q", raw)
				return
			}
			c.IntentWindow = w
		},
	}, []string{"addr", "db", "severity", "priority", "glossary", "intent_window", "lint", "notify", "reviews", "status"})
}

// parseYAML parses exactly one YAML document. The parser's own panics, which
// would be bugs in it, become errors: a config file must never crash hansei.
func parseYAML(data []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("the YAML parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, &docError{line: next.Line}
	}
	return &n, nil
}

type docError struct{ line int }

func (e *docError) Error() string { return "more than one document" }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns the YAML parser's error into an Error with a line.
func syntaxError(file string, err error) *Error {
	var de *docError
	if errors.As(err, &de) {
		return &Error{File: file, Line: de.line, Message: "the file holds more than one YAML document (---); put every setting in one"}
	}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Message: "YAML syntax: " + m[2]}
	}
	return &Error{File: file, Message: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")}
}

// fieldSet maps the known fields of a mapping to what decodes them. A
// decoder gets the key node, the value node and the field's path.
type fieldSet map[string]func(key, val *yaml.Node, path string)

// fields decodes the mapping n (resolved) field by field, in file order, and
// reports unknown and repeated fields. order lists the known fields for
// messages.
func (d *decoder) fields(n *yaml.Node, path string, set fieldSet, order []string) {
	for _, p := range d.pairs(n, path, 0) {
		name := p.key.Value
		at := join(path, name)
		decode, ok := set[name]
		if !ok {
			msg := fmt.Sprintf("field %q is not known; known fields: %s", name, strings.Join(order, ", "))
			if s := suggest(name, order); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
				d.explained[join(path, s)] = true
			}
			d.errorf(p.key, path, "%s", msg)
			continue
		}
		d.lines[at] = p.key.Line
		decode(p.key, p.val, at)
		if d.broken {
			return
		}
	}
}

type pair struct{ key, val *yaml.Node }

// pairs returns the key-value pairs of the mapping n, with merge keys (<<)
// expanded: a field written in the mapping wins over a merged one, and an
// earlier merged mapping wins over a later one, as YAML specifies.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !d.visit(n.Content[i]) {
			return nil
		}
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k == nil || d.broken {
			return nil
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "a key must be a plain name, not %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(k, v, path, depth)...)
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorf(k, path, "field %q is given twice (first on line %d); keep one", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	for _, p := range merged {
		if _, ok := seen[p.key.Value]; !ok {
			seen[p.key.Value] = p.key
			own = append(own, p)
		}
	}
	return own
}

// merge returns the pairs that a merge key brings in: from one mapping or a
// list of mappings.
func (d *decoder) merge(k, v *yaml.Node, path string, depth int) []pair {
	if depth >= maxMergeDepth {
		d.errorf(k, path, "merge keys (<<) nest more than %d deep; does a mapping merge itself?", maxMergeDepth)
		d.broken = true
		return nil
	}
	r := d.resolve(v)
	if r == nil || d.broken {
		return nil
	}
	var maps []*yaml.Node
	switch r.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{r}
	case yaml.SequenceNode:
		for _, item := range r.Content {
			m := d.resolve(item)
			if m == nil || d.broken {
				return nil
			}
			if m.Kind != yaml.MappingNode {
				d.errorf(item, path, "a merge key (<<) takes mappings, not %s", describe(m))
				return nil
			}
			maps = append(maps, m)
		}
	default:
		d.errorf(k, path, "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(r))
		return nil
	}
	var out []pair
	for _, m := range maps {
		out = append(out, d.pairs(m, path, depth+1)...)
	}
	return out
}

// text decodes a scalar into *dst, trimmed. null is the empty string.
func (d *decoder) text(n *yaml.Node, path string, dst *string) {
	r := d.resolve(n)
	if r == nil || d.broken {
		return
	}
	if r.Kind != yaml.ScalarNode {
		d.typeError(n, path, "expected text, found %s", describe(r))
		return
	}
	if isNull(r) {
		*dst = ""
		return
	}
	*dst = strings.TrimSpace(r.Value)
}

// texts decodes a list of text. Items must not be empty.
func (d *decoder) texts(n *yaml.Node, path, what string) []string {
	r := d.resolve(n)
	if r == nil || d.broken {
		return nil
	}
	if isNull(r) {
		return nil
	}
	if r.Kind != yaml.SequenceNode {
		d.typeError(n, path, "expected a list of %s, found %s", what, describe(r))
		return nil
	}
	out := make([]string, 0, len(r.Content))
	for i, item := range r.Content {
		if !d.visit(item) {
			return nil
		}
		at := fmt.Sprintf("%s[%d]", path, i)
		var s string
		d.text(item, at, &s)
		if s == "" && !d.broken {
			if it := d.resolve(item); it != nil && it.Kind == yaml.ScalarNode {
				d.errorf(item, at, "an item of %s must not be empty", what)
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) boolean(n *yaml.Node, path string, dst *bool) {
	r := d.resolve(n)
	if r == nil || d.broken {
		return
	}
	if r.Kind == yaml.ScalarNode && r.ShortTag() == "!!bool" {
		var b bool
		if err := r.Decode(&b); err == nil {
			*dst = b
			return
		}
	}
	d.typeError(n, path, "expected true or false, found %s", describe(r))
}

// list decodes a sequence of mappings, calling item for each; m is nil for
// an item that is not a mapping.
func (d *decoder) list(n *yaml.Node, path, what string, item func(m *yaml.Node, at string)) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.SequenceNode {
		d.typeError(n, path, "expected a list of %s, found %s", what, describe(r))
		return
	}
	for i, it := range r.Content {
		if !d.visit(it) {
			return
		}
		at := fmt.Sprintf("%s[%d]", path, i)
		m := d.resolve(it)
		if m == nil || d.broken {
			return
		}
		d.lines[at] = it.Line
		if m.Kind != yaml.MappingNode {
			// Keep the place of the item, so that the paths of the
			// items after it stay right; validation skips it.
			d.typeError(it, at, "expected a %s (a mapping of fields), found %s", strings.TrimSuffix(what, "s"), describe(m))
			m = nil
		}
		item(m, at)
		if d.broken {
			return
		}
	}
}

var levelFields = []string{"key", "name", "definition", "criteria", "response", "pages", "out_of_hours", "examples", "translations"}

// scale decodes a list of levels; path is "severity" or "priority", which is
// also the scale's kind.
func (d *decoder) scale(n *yaml.Node, path string) hansei.Scale {
	s := hansei.Scale{Kind: path, Levels: []hansei.Level{}}
	d.list(n, path, "levels", func(m *yaml.Node, at string) {
		var l hansei.Level
		if m == nil {
			s.Levels = append(s.Levels, l)
			return
		}
		d.fields(m, at, fieldSet{
			"key":          func(_, v *yaml.Node, p string) { d.text(v, p, &l.Key) },
			"name":         func(_, v *yaml.Node, p string) { d.text(v, p, &l.Name) },
			"definition":   func(_, v *yaml.Node, p string) { d.text(v, p, &l.Definition) },
			"criteria":     func(_, v *yaml.Node, p string) { l.Criteria = d.texts(v, p, "criteria") },
			"response":     func(_, v *yaml.Node, p string) { d.text(v, p, &l.Response) },
			"pages":        func(_, v *yaml.Node, p string) { d.text(v, p, &l.Pages) },
			"out_of_hours": func(_, v *yaml.Node, p string) { d.boolean(v, p, &l.OutOfHours) },
			"examples":     func(_, v *yaml.Node, p string) { l.Examples = d.texts(v, p, "examples") },
			"translations": func(_, v *yaml.Node, p string) { l.Translations = d.translations(v, p) },
		}, levelFields)
		s.Levels = append(s.Levels, l)
	})
	return s
}

var termFields = []string{"term", "definition", "translations"}

func (d *decoder) glossary(n *yaml.Node, path string) []hansei.Term {
	terms := []hansei.Term{}
	d.list(n, path, "terms", func(m *yaml.Node, at string) {
		var t hansei.Term
		if m == nil {
			terms = append(terms, t)
			return
		}
		d.fields(m, at, fieldSet{
			"term":         func(_, v *yaml.Node, p string) { d.text(v, p, &t.Term) },
			"definition":   func(_, v *yaml.Node, p string) { d.text(v, p, &t.Definition) },
			"translations": func(_, v *yaml.Node, p string) { t.Translations = d.translations(v, p) },
		}, termFields)
		terms = append(terms, t)
	})
	return terms
}

var translationFields = []string{"name", "definition"}

// translations decodes a map from language code to {name, definition}.
func (d *decoder) translations(n *yaml.Node, path string) map[string]hansei.Translation {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return nil
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping from language code (such as ja or de) to {name, definition}, found %s", describe(r))
		return nil
	}
	out := map[string]hansei.Translation{}
	for _, p := range d.pairs(r, path, 0) {
		lang := p.key.Value
		at := path + "." + lang
		d.lines[at] = p.key.Line
		if msg := checkLanguage(lang); msg != "" {
			d.errorf(p.key, at, "%s", msg)
		}
		m := d.resolve(p.val)
		if m == nil || d.broken {
			return out
		}
		if m.Kind != yaml.MappingNode {
			d.typeError(p.val, at, "expected {name, definition}, found %s", describe(m))
			continue
		}
		var t hansei.Translation
		d.fields(m, at, fieldSet{
			"name":       func(_, v *yaml.Node, p string) { d.text(v, p, &t.Name) },
			"definition": func(_, v *yaml.Node, p string) { d.text(v, p, &t.Definition) },
		}, translationFields)
		if t.Name == "" && t.Definition == "" {
			d.errorf(p.key, at, "the translation is empty; give a name, a definition or both")
		}
		out[lang] = t
	}
	return out
}

// languageCode accepts the short BCP 47 tags that hansei uses as they are
// conventionally written: a language (ja), optionally a script (zh-Hant) and
// a region (pt-BR, es-419).
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

// countryCodes are country codes often written for a language; none of
// them is a language code.
var countryCodes = map[string]string{"jp": "ja", "cn": "zh", "dk": "da", "ua": "uk", "cz": "cs", "gr": "el"}

func checkLanguage(lang string) string {
	c := canonicalLanguage(lang)
	primary, rest, _ := strings.Cut(c, "-")
	if want, ok := countryCodes[primary]; ok {
		if rest != "" {
			want += "-" + rest
		}
		return fmt.Sprintf("%q is a country code, not a language code; use a BCP 47 code such as ja, de or pt-BR (did you mean %q?)", lang, want)
	}
	if languageCode.MatchString(lang) {
		return ""
	}
	msg := fmt.Sprintf("%q is not a language code; use a BCP 47 code such as ja, de or pt-BR", lang)
	if c != lang && languageCode.MatchString(c) {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return msg
}

// canonicalLanguage writes a tag in the conventional case: pt_br → pt-BR.
func canonicalLanguage(lang string) string {
	parts := strings.Split(strings.ReplaceAll(lang, "_", "-"), "-")
	for i, p := range parts {
		switch {
		case i == 0:
			parts[i] = strings.ToLower(p)
		case len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		default:
			parts[i] = strings.ToUpper(p)
		}
	}
	return strings.Join(parts, "-")
}

// finish validates the decoded configuration and returns the problems found
// while decoding and validating, ordered by line, or nil.
func (d *decoder) finish(c *Config) error {
	if !d.broken {
		d.validate(c)
	}
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool {
		li, lj := d.errs[i].Line, d.errs[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
	return d.errs
}

func (d *decoder) validate(c *Config) {
	d.checkSetting("addr", c.Addr, checkAddr)
	d.checkSetting("db", c.DB, checkDB)
	if c.Status.PublicAddr != "" {
		d.checkSetting("status.public_addr", c.Status.PublicAddr, checkPublicAddr(c))
	}
	for _, s := range []hansei.Scale{c.Scales.Severity, c.Scales.Priority} {
		problems := s.Validate()
		paths := make([]string, 0, len(problems))
		for p := range problems {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			at := s.Kind + strings.TrimPrefix(p, "levels")
			if d.isExplained(at) {
				continue
			}
			d.errorAt(d.lineOf(at), at, "%s", problems[p])
		}
	}
	seen := map[string]int{}
	for i, t := range c.Scales.Glossary {
		at := fmt.Sprintf("glossary[%d]", i)
		if d.isExplained(at) {
			continue
		}
		if t.Term == "" && !d.isExplained(at+".term") {
			d.errorAt(d.lineOf(at+".term"), at+".term", "every glossary entry needs a term")
		} else if j, ok := seen[strings.ToLower(t.Term)]; ok {
			d.errorAt(d.lineOf(at+".term"), at+".term", "term %q is already defined by glossary[%d]; keep one", t.Term, j)
		} else {
			seen[strings.ToLower(t.Term)] = i
		}
		if t.Definition == "" && !d.isExplained(at+".definition") {
			d.errorAt(d.lineOf(at+".definition"), at+".definition", "every glossary term needs a definition")
		}
	}
}

// checkSetting validates addr or db and reports a problem where the value
// came from: the file's line or the environment variable.
func (d *decoder) checkSetting(field, value string, check func(string) string) {
	msg := check(value)
	if msg == "" {
		return
	}
	src := d.src[field]
	if src.env != "" {
		d.errs = append(d.errs, &Error{Field: src.env, Message: msg})
		return
	}
	d.errorAt(src.line, field, "%s", msg)
}

func checkAddr(addr string) string {
	const want = "use host:port, such as 127.0.0.1:8080 or :8080"
	if addr == "" {
		return "the listen address is empty; " + want
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Sprintf("%q is not a listen address; %s", addr, want)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("%q has port %q; a port is a number from 0 to 65535", addr, port)
	}
	return ""
}

func checkDB(db string) string {
	const want = "give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name"
	switch {
	case db == "":
		return "the database is empty; " + want
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return ""
	case db == "sqlite:":
		return "the SQLite path after sqlite: is empty; " + want
	case strings.HasPrefix(db, "sqlite://"):
		return fmt.Sprintf("%q is not understood: write sqlite:PATH without slashes after the colon, such as sqlite:hansei.db or sqlite:/var/lib/hansei/hansei.db", redact(db))
	case strings.Contains(db, "://"):
		return fmt.Sprintf("database %q is not supported; %s", redact(db), want)
	}
	return ""
}

// redact hides the part before the host of a URL, where a password may be.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
		return scheme + "://…@" + rest[at+1:]
	}
	return s
}

// isExplained reports whether a decoding error covers path or a field that
// encloses it.
func (d *decoder) isExplained(path string) bool {
	for path != "" {
		if d.explained[path] {
			return true
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return false
}

// lineOf returns the line of path, or of its nearest enclosing field that
// has one (a missing field is reported at the line of its level).
func (d *decoder) lineOf(path string) int {
	for path != "" {
		if l, ok := d.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's type for messages: "a list", "text "x"", …
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return fmt.Sprintf("text %q", v)
	}
	return "an alias"
}

// suggest returns the known name closest to name, if it is close.
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := distance(strings.ToLower(name), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes; long
// names are not compared.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
