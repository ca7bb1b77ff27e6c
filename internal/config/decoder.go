package config

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxProblems bounds the problems collected; decoding stops there.
const maxProblems = 1000

// A decoder collects what one Load or Parse finds: every problem, with
// where it is, so that all of them are reported at once.
type decoder struct {
	file string
	errs Errors
	// lines maps a field path (severity[1].definition) to its line, so that
	// problems found after decoding can be located.
	lines map[string]int
	// env maps a field path to the environment variable that set it, so
	// that a problem with its value names the variable, not a line.
	env map[string]string
	// explained holds the paths whose problems a decoding error already
	// explains (a value of the wrong type, a misspelt field name), so that
	// checks do not report them a second time.
	explained map[string]bool
	visited   int
	// broken is set by problems that stop decoding (syntax, too many nodes).
	broken bool
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, lines: map[string]int{}, env: map[string]string{}, explained: map[string]bool{}}
}

// decode parses data and fills c with what the file sets.
func (d *decoder) decode(data []byte, fields []field[Config], c *Config) {
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
	if root == nil || d.broken || isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "the file must be a mapping of settings (%s), not %s", strings.Join(keys(fields), ", "), describe(root))
		return
	}
	decodeFields(d, root, "", fields, c)
}

// add records a problem, up to maxProblems.
func (d *decoder) add(e *Error) {
	if len(d.errs) >= maxProblems {
		d.broken = true
		return
	}
	d.errs = append(d.errs, e)
}

func (d *decoder) errorAt(line int, field, format string, args ...any) {
	d.add(&Error{File: d.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errorAt(line, field, format, args...)
}

// typeError reports a value that cannot be read at path (of the wrong type,
// or not a valid value); checks then leave that path alone.
func (d *decoder) typeError(n *yaml.Node, path, format string, args ...any) {
	d.explained[path] = true
	d.errorf(n, path, format, args...)
}

// problem reports a problem with the value at path found after it was read:
// as the environment variable's if one set it, else at the value's line,
// unless an earlier problem explains it.
func (d *decoder) problem(path, format string, args ...any) {
	if env := d.env[path]; env != "" {
		d.add(&Error{Field: env, Message: fmt.Sprintf(format, args...)})
		return
	}
	if d.isExplained(path) {
		return
	}
	d.errorAt(d.lineOf(path), path, format, args...)
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

// finish runs the checks across sections and returns the problems found,
// ordered by line with those of the environment last, or nil.
func (d *decoder) finish(c *Config) error {
	if !d.broken {
		for _, check := range configChecks() {
			check(d, c)
		}
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
