package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The values that hold other fields: a section (a mapping of fields), an
// optional section, a list of records (mappings) and a list of single
// values. A single value is a scalar (field.go).

// noEnv is embedded by the values that no environment variable sets.
type noEnv[S any] struct{}

func (noEnv[S]) parse(string, *S) string { return onlyInFile }

// sectionValue is a mapping of fields, filling T within S.
type sectionValue[S, T any] struct {
	noEnv[S]
	at     func(*S) *T
	fields []field[T]
	// base, if set, is the section's default before its fields' own: for
	// the parts of T that the file does not set.
	base func() T
	// check, if set, checks rules across the section's fields after the
	// file's section is decoded.
	check func(d *decoder, t *T, path string)
}

// sectionMapping resolves n as a section's mapping of fieldNames, reporting
// any other type; nil when there is nothing to decode.
func (d *decoder) sectionMapping(n *yaml.Node, path, fieldNames string) *yaml.Node {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return nil
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping with %s, found %s", fieldNames, describe(r))
		return nil
	}
	return r
}

func (v sectionValue[S, T]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	r := d.sectionMapping(n, path, and(keys(v.fields)))
	if r == nil {
		return
	}
	decodeFields(d, r, path, v.fields, v.at(s))
	if v.check != nil && !d.broken {
		v.check(d, v.at(s), path)
	}
}

func (v sectionValue[S, T]) reset(s *S) {
	var t T
	if v.base != nil {
		t = v.base()
	}
	resetFields(v.fields, &t)
	*v.at(s) = t
}

func (v sectionValue[S, T]) unset(*S) bool { return false }

func (v sectionValue[S, T]) applyEnv(d *decoder, getenv func(string) string, s *S, path string) {
	applyEnvFields(d, getenv, v.fields, v.at(s), path)
}

func (v sectionValue[S, T]) describe(path string, seen map[string]bool) (string, []Setting) {
	return "", describeFields(v.fields, path, seen)
}

// optionalValue is a section that is absent (nil) unless the file gives it,
// such as notify.smtp: giving it turns something on.
type optionalValue[S, T any] struct {
	noEnv[S]
	at     func(*S) **T
	fields []field[T]
	check  func(d *decoder, t *T, path string)
}

func (v optionalValue[S, T]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	r := d.sectionMapping(n, path, and(keys(v.fields)))
	if r == nil {
		return
	}
	t := new(T)
	resetFields(v.fields, t)
	decodeFields(d, r, path, v.fields, t)
	if v.check != nil && !d.broken {
		v.check(d, t, path)
	}
	*v.at(s) = t
}

func (v optionalValue[S, T]) reset(s *S)      { *v.at(s) = nil }
func (v optionalValue[S, T]) unset(s *S) bool { return *v.at(s) == nil }

// applyEnv refuses a variable for a section the file does not turn on: a
// password with no mail server to send it to is a mistake to point out,
// not to ignore.
func (v optionalValue[S, T]) applyEnv(d *decoder, getenv func(string) string, s *S, path string) {
	if t := *v.at(s); t != nil {
		applyEnvFields(d, getenv, v.fields, t, path)
		return
	}
	for _, name := range envNames(v.fields) {
		if getenv(name) != "" && !d.broken {
			d.add(&Error{Field: name, Message: fmt.Sprintf("the configuration has no %s for it to go with; "+
				"configure %s (%s) in the file, or unset %s", path, path, strings.Join(keys(v.fields), ", "), name)})
		}
	}
}

func (v optionalValue[S, T]) describe(path string, seen map[string]bool) (string, []Setting) {
	return "none", describeFields(v.fields, path, seen)
}

// recordsValue is a list of records: mappings of fields, each a T.
type recordsValue[S, T any] struct {
	noEnv[S]
	at     func(*S) *[]T
	fields []field[T]
	// noun names one record in messages: "level", "webhook".
	noun string
	// def is the default list; nil for none.
	def func() []T
	// adds says that the file's records add to the default list instead
	// of replacing it.
	adds bool
	// check, if set, checks rules across the file's records, such as
	// unique keys.
	check func(d *decoder, items []T, path string)
}

func (v recordsValue[S, T]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	items, ok := decodeRecords(d, n, path, v.noun, v.fields)
	if !ok || d.broken {
		return
	}
	if v.check != nil {
		v.check(d, items, path)
	}
	if v.adds {
		*v.at(s) = append(*v.at(s), items...)
		return
	}
	*v.at(s) = items
}

// decodeRecords decodes a list of mappings, each into a T. A null list is
// empty. An item that is not a mapping is reported and kept as a zero T,
// so that the items after it keep their paths; checks skip it, since the
// problem is explained. ok is false if n is not a list.
func decodeRecords[T any](d *decoder, n *yaml.Node, path, noun string, fields []field[T]) (items []T, ok bool) {
	r := d.resolve(n)
	if r == nil || d.broken {
		return nil, false
	}
	items = []T{}
	if isNull(r) {
		return items, true
	}
	if r.Kind != yaml.SequenceNode {
		d.typeError(n, path, "expected a list of %ss, found %s", noun, describe(r))
		return nil, false
	}
	for i, it := range r.Content {
		if !d.visit(it) {
			return nil, false
		}
		at := fmt.Sprintf("%s[%d]", path, i)
		m := d.resolve(it)
		if m == nil || d.broken {
			return nil, false
		}
		d.lines[at] = it.Line
		var t T
		resetFields(fields, &t)
		if m.Kind != yaml.MappingNode {
			d.typeError(it, at, "expected a %s (a mapping of fields), found %s", noun, describe(m))
		} else if decodeFields(d, m, at, fields, &t); d.broken {
			return nil, false
		}
		items = append(items, t)
	}
	return items, true
}

func (v recordsValue[S, T]) reset(s *S) {
	var items []T
	if v.def != nil {
		items = v.def()
	}
	*v.at(s) = items
}

func (v recordsValue[S, T]) unset(s *S) bool { return len(*v.at(s)) == 0 }

func (v recordsValue[S, T]) applyEnv(*decoder, func(string) string, *S, string) {}

func (v recordsValue[S, T]) describe(path string, seen map[string]bool) (string, []Setting) {
	return "none", describeRecords(path, v.noun, v.fields, seen)
}

// describeRecords describes the fields of a record once; a list of the
// same records elsewhere refers to the first.
func describeRecords[T any](path, noun string, fields []field[T], seen map[string]bool) []Setting {
	if seen[noun] {
		return nil
	}
	seen[noun] = true
	return describeFields(fields, path+"[]", seen)
}

// listValue is a list of single values of a kind, such as the criteria of
// a level or the working days.
type listValue[S, T any] struct {
	noEnv[S]
	at   func(*S) *[]T
	kind kind[T]
	// plural names the items in messages: "criteria", "days".
	plural string
	def    []T
	// finish, if set, tidies the file's list (drops repeats) or says what
	// is wrong with it as a whole.
	finish func(items []T) ([]T, string)
}

func (v listValue[S, T]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	r := d.resolve(n)
	if r == nil || d.broken {
		return
	}
	var items []T
	if !isNull(r) {
		if r.Kind != yaml.SequenceNode {
			d.typeError(n, path, "expected a list of %s, found %s", v.plural, describe(r))
			return
		}
		for i, it := range r.Content {
			if !d.visit(it) {
				return
			}
			at := fmt.Sprintf("%s[%d]", path, i)
			d.lines[at] = it.Line // for the section's checks, which report an item
			ri := d.resolve(it)
			if ri == nil || d.broken {
				return
			}
			if ri.Kind != yaml.ScalarNode || v.kind.tag != "" && ri.ShortTag() != v.kind.tag {
				d.typeError(it, at, "expected %s, found %s", v.kind.want, describe(ri))
				continue
			}
			raw := scalarText(ri)
			if raw == "" {
				d.errorf(it, at, "an item of %s must not be empty", v.plural)
				continue
			}
			x, msg := v.kind.parse(raw)
			if msg != "" {
				d.typeError(it, at, "%s", msg)
				continue
			}
			items = append(items, x)
		}
	}
	if v.finish != nil {
		var msg string
		if items, msg = v.finish(items); msg != "" {
			d.errorf(n, path, "%s", msg)
			return
		}
	}
	*v.at(s) = items
}

func (v listValue[S, T]) reset(s *S)      { *v.at(s) = v.def }
func (v listValue[S, T]) unset(s *S) bool { return len(*v.at(s)) == 0 }

func (v listValue[S, T]) applyEnv(*decoder, func(string) string, *S, string) {}

func (v listValue[S, T]) describe(string, map[string]bool) (string, []Setting) {
	shown := make([]string, len(v.def))
	for i, x := range v.def {
		shown[i] = v.kind.format(x)
	}
	if len(shown) == 0 {
		return "none", nil
	}
	return code("[" + strings.Join(shown, ", ") + "]"), nil
}

// and joins names as a sentence does: "a, b and c".
func and(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
