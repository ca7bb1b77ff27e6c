package config

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hansei-dev/hansei/internal/suggest"
	"go.yaml.in/yaml/v3"
)

// A field is one setting, declared once: the key that names it in the
// file, the environment variable that may override it, its default, what it
// means, and how its value is read and checked. A section of the file is a
// list of fields of the type S that it fills (Config, Status, SMTP, …);
// decoding, the environment, the defaults and the table of every setting in
// docs/configuration.md are all walks over these lists, so a setting that is
// declared is read, defaulted and documented alike.
type field[S any] struct {
	// key names the field in the file.
	key string
	// env names the environment variable that overrides the file, if any.
	env string
	// doc says what the setting is, in a sentence, for the docs.
	doc string
	// def words the default where the value's own default does not say it
	// (a computed or a built-in value); "" shows the value's default.
	def string
	// required, if set, is the problem reported when a mapping leaves the
	// field out or empty.
	required string
	value    value[S]
}

// A value is how one field's value lives in S: how the file and the
// environment set it, what it is by default, and what is nested in it.
type value[S any] interface {
	// decode reads the value from the file's node n (not yet resolved),
	// found at path, into s.
	decode(d *decoder, n *yaml.Node, path string, s *S)
	// parse reads the value from an environment variable into s; it
	// returns what is wrong with raw, or "".
	parse(raw string, s *S) string
	// reset gives s the value's default.
	reset(s *S)
	// unset reports whether s leaves the value empty, for required fields.
	unset(s *S) bool
	// applyEnv applies the environment variables of the fields nested in
	// the value.
	applyEnv(d *decoder, getenv func(string) string, s *S, path string)
	// describe returns the default as the docs show it, and the settings
	// nested in the value; seen holds the nouns of the lists of records
	// already described, so that a record is described once.
	describe(path string, seen map[string]bool) (def string, nested []Setting)
}

// Setting is one row of the table of every setting: a path in the file
// (severity[].key), its environment variable, its default and what it is.
type Setting struct {
	Path, Env, Default, Doc string
}

// decodeFields decodes the mapping n (resolved) into s, field by field in
// file order, reports unknown fields, and then the required fields that
// the mapping leaves out or empty.
func decodeFields[S any](d *decoder, n *yaml.Node, path string, fields []field[S], s *S) {
	for _, p := range d.pairs(n, path, 0) {
		name := p.key.Value
		f, ok := findField(fields, name)
		if !ok {
			known := keys(fields)
			msg := fmt.Sprintf("field %q is not known; known fields: %s", name, strings.Join(known, ", "))
			if s := suggest.Closest(name, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
				d.explained[join(path, s)] = true
			}
			d.errorf(p.key, path, "%s", msg)
			continue
		}
		at := join(path, name)
		d.lines[at] = p.key.Line
		f.value.decode(d, p.val, at, s)
		if d.broken {
			return
		}
	}
	for _, f := range fields {
		if f.required != "" && f.value.unset(s) {
			d.problem(join(path, f.key), "%s", f.required)
		}
	}
}

func findField[S any](fields []field[S], key string) (field[S], bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field[S]{}, false
}

func keys[S any](fields []field[S]) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.key
	}
	return out
}

// resetFields gives every field of s its default.
func resetFields[S any](fields []field[S], s *S) {
	for _, f := range fields {
		f.value.reset(s)
	}
}

// applyEnvFields sets the fields of s whose environment variables are set
// (an empty variable counts as unset), and remembers which, so that later
// problems with them name the variable.
func applyEnvFields[S any](d *decoder, getenv func(string) string, fields []field[S], s *S, path string) {
	for _, f := range fields {
		at := join(path, f.key)
		if f.env != "" {
			if raw := getenv(f.env); raw != "" {
				d.env[at] = f.env
				if msg := f.value.parse(raw, s); msg != "" {
					d.add(&Error{Field: f.env, Message: msg})
				}
			}
		}
		f.value.applyEnv(d, getenv, s, at)
	}
}

// describeFields lists the settings of fields under path, nested ones
// after the field they are in.
func describeFields[S any](fields []field[S], path string, seen map[string]bool) []Setting {
	var out []Setting
	for _, f := range fields {
		at := join(path, f.key)
		def, nested := f.value.describe(at, seen)
		switch {
		case f.def != "":
			def = f.def
		case f.required != "":
			def = "required"
		}
		out = append(out, Setting{Path: at, Env: f.env, Default: def, Doc: f.doc})
		out = append(out, nested...)
	}
	return out
}

// envNames lists the environment variables of fields and those nested in
// them.
func envNames[S any](fields []field[S]) []string {
	var out []string
	for _, s := range describeFields(fields, "", map[string]bool{}) {
		if s.Env != "" {
			out = append(out, s.Env)
		}
	}
	return out
}

// A kind is a sort of single value (a listen address, a count of days, a
// time zone): how it is read from text, checked, and shown in the docs.
type kind[T any] struct {
	// want names what the file must hold, for a value of the wrong type:
	// "text", "true or false".
	want string
	// tag, if set, is the YAML tag a value must have: a quoted "true" is
	// text, not a boolean.
	tag string
	// parse reads a value from trimmed text, or says what is wrong with it
	// and what would be right.
	parse func(raw string) (T, string)
	// format shows a value as the file would spell it; "" for none.
	format func(T) string
}

// scalarValue is a field holding one value of a kind.
type scalarValue[S, T any] struct {
	at   func(*S) *T
	kind kind[T]
	def  T
}

// scalar declares a field of s at at, of kind k, with default def.
func scalar[S, T any](at func(*S) *T, k kind[T], def T) value[S] {
	return scalarValue[S, T]{at: at, kind: k, def: def}
}

func (v scalarValue[S, T]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	r := d.resolve(n)
	if r == nil || d.broken {
		return
	}
	if r.Kind != yaml.ScalarNode || v.kind.tag != "" && r.ShortTag() != v.kind.tag {
		d.typeError(n, path, "expected %s, found %s", v.kind.want, describe(r))
		return
	}
	x, msg := v.kind.parse(scalarText(r))
	if msg != "" {
		d.typeError(n, path, "%s", msg)
		return
	}
	*v.at(s) = x
}

func (v scalarValue[S, T]) parse(raw string, s *S) string {
	x, msg := v.kind.parse(raw)
	if msg == "" {
		*v.at(s) = x
	}
	return msg
}

func (v scalarValue[S, T]) reset(s *S)      { *v.at(s) = v.def }
func (v scalarValue[S, T]) unset(s *S) bool { return isZero(*v.at(s)) }

func (v scalarValue[S, T]) applyEnv(*decoder, func(string) string, *S, string) {}

func (v scalarValue[S, T]) describe(string, map[string]bool) (string, []Setting) {
	return code(v.kind.format(v.def)), nil
}

func isZero[T any](x T) bool { return reflect.ValueOf(&x).Elem().IsZero() }

// code shows a default as code in the docs, or "none".
func code(s string) string {
	if s == "" {
		return "none"
	}
	return "`" + s + "`"
}

// onlyInFile is the parse of values that only the file can set; no
// environment variable is declared for them, and a test checks so.
const onlyInFile = "only the config file can set this"
