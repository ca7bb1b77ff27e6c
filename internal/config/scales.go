package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"go.yaml.in/yaml/v3"
)

// The vocabulary: the severity and priority scales and the glossary.
//
//	severity: [level, …]        # replaces the built-in SEV1…SEV4 scale
//	priority: [level, …]        # replaces the built-in P0…P3 scale
//	glossary: [term, …]         # replaces the built-in glossary
//	roles: [role, …]            # adds to the built-in incident roles
//
// A level has key, name, definition, criteria (list), response, pages,
// out_of_hours (true or false), examples (list), due_within_days (a
// priority's window in days) and translations (a map from
// a language code such as ja, de or pt-BR to {name, definition}). A glossary
// term has term, definition and translations. A scale given in the file
// replaces the built-in one entirely; it is not merged level by level.
// Whether a scale is usable (keys, names, definitions) is the domain's
// rule, hansei.Scale.Validate; this file only locates its problems.
func scaleFields() []field[Config] {
	return []field[Config]{
		{key: "severity", def: "SEV1…SEV4",
			doc: "The severity scale: a list of levels, most severe first; replaces the built-in one.",
			value: scaleValue{kind: "severity", at: func(c *Config) *hansei.Scale { return &c.Scales.Severity },
				def: func() hansei.Scale { return hansei.DefaultScales().Severity }}},
		{key: "priority", def: "P0…P3",
			doc: "The priority scale of remediations: a list of levels with the fields of a severity level; replaces the built-in one.",
			value: scaleValue{kind: "priority", at: func(c *Config) *hansei.Scale { return &c.Scales.Priority },
				def: func() hansei.Scale { return hansei.DefaultScales().Priority }}},
		{key: "glossary", def: "7 terms",
			doc: "The words the organisation uses with a precise meaning; replaces the built-in glossary. `[]` removes it.",
			value: recordsValue[Config, hansei.Term]{at: func(c *Config) *[]hansei.Term { return &c.Scales.Glossary },
				fields: termFields(), noun: "term", check: checkGlossary,
				def: func() []hansei.Term { return hansei.DefaultScales().Glossary }}},
		{key: "roles", def: "commander, communications, scribe",
			doc: "Incident roles the organisation adds to the built-in commander, communications and scribe (which are always there): a list of `{name, description, translations}`. Only these roles can be assigned, on every surface.",
			value: recordsValue[Config, hansei.RoleDef]{at: func(c *Config) *[]hansei.RoleDef { return &c.Scales.Roles },
				fields: roleFields(), noun: "role", check: checkRoles, adds: true, def: hansei.BuiltinRoles}},
	}
}

func roleFields() []field[hansei.RoleDef] {
	return []field[hansei.RoleDef]{
		{key: "name", doc: "What is typed and stored, such as `liaison`: up to 40 lower-case letters, digits, `-` or `_`, starting with a letter; unique.",
			required: "every role needs a name", value: scalar(func(r *hansei.RoleDef) *string { return &r.Name }, text(), "")},
		{key: "description", doc: "One sentence: what the holder does.", required: "every role needs a description: a role without one means different things to different people",
			value: scalar(func(r *hansei.RoleDef) *string { return &r.Description }, text(), "")},
		{key: "translations", doc: "Language code → `{name, definition}`: the role's name and description in that language.",
			value: translationsValue[hansei.RoleDef]{at: func(r *hansei.RoleDef) *map[string]hansei.Translation { return &r.Translations },
				fields: translationFields}},
	}
}

// checkRoles: a role's name has the form of one and is given once, built-in
// roles included.
func checkRoles(d *decoder, roles []hansei.RoleDef, path string) {
	seen := map[string]bool{}
	for _, r := range hansei.BuiltinRoles() {
		seen[r.Name] = true
	}
	for i, r := range roles {
		at := fmt.Sprintf("%s[%d].name", path, i)
		if r.Name == "" || d.isExplained(fmt.Sprintf("%s[%d]", path, i)) {
			continue
		}
		if err := hansei.ValidateRoleName(r.Name); err != nil {
			d.problem(at, "%s", hansei.ErrorMessage(err))
			continue
		}
		if seen[r.Name] {
			d.problem(at, "role %q is already defined (commander, communications and scribe are built in); keep one", r.Name)
		}
		seen[r.Name] = true
	}
}

func levelFields() []field[hansei.Level] {
	str := func(at func(l *hansei.Level) *string) value[hansei.Level] { return scalar(at, text(), "") }
	list := func(at func(l *hansei.Level) *[]string, plural string) value[hansei.Level] {
		return listValue[hansei.Level, string]{at: at, kind: text(), plural: plural}
	}
	return []field[hansei.Level]{
		{key: "key", def: "required", doc: "What people type and what is stored, such as `SEV1`: 1 to 20 letters, digits, `-` or `_`, unique in the scale.",
			value: str(func(l *hansei.Level) *string { return &l.Key })},
		{key: "name", def: "required", doc: "A short name shown next to the key, such as `Critical`.",
			value: str(func(l *hansei.Level) *string { return &l.Name })},
		{key: "definition", def: "required", doc: "One sentence: what the level means.",
			value: str(func(l *hansei.Level) *string { return &l.Definition })},
		{key: "criteria", doc: "Measurable conditions, any of which puts an incident at this level.",
			value: list(func(l *hansei.Level) *[]string { return &l.Criteria }, "criteria")},
		{key: "response", doc: "What is expected of responders at this level.",
			value: str(func(l *hansei.Level) *string { return &l.Response })},
		{key: "pages", doc: "Who is paged.",
			value: str(func(l *hansei.Level) *string { return &l.Pages })},
		{key: "paging", doc: "Whom the fan-out pages when an incident is declared at this level or moved to it: `{users, channels}`; `pages` stays the words.",
			value: sectionValue[hansei.Level, hansei.Paging]{at: func(l *hansei.Level) *hansei.Paging { return &l.Paging }, fields: pagingFields()}},
		{key: "out_of_hours", doc: "Whether work continues outside working hours.",
			value: scalar(func(l *hansei.Level) *bool { return &l.OutOfHours }, boolean(), false)},
		{key: "examples", doc: "Typical cases.",
			value: list(func(l *hansei.Level) *[]string { return &l.Examples }, "examples")},
		{key: "due_within_days", doc: "For a priority: remediations at this level are expected done within this many calendar days of their creation; a later due date is saved with a warning. 0: no window (backlog). Built in: P0 1, P1 7, P2 28, P3 0. Not used by severity levels.",
			value: scalar(func(l *hansei.Level) *int { return &l.DueWithinDays }, days(), 0)},
		{key: "translations", doc: "Language code → `{name, definition, criteria, response, pages, examples}`, each optional.",
			value: translationsValue[hansei.Level]{at: func(l *hansei.Level) *map[string]hansei.Translation { return &l.Translations },
				fields: levelTranslationFields}},
	}
}

func termFields() []field[hansei.Term] {
	return []field[hansei.Term]{
		{key: "term", doc: "The word or phrase; unique, ignoring case.", required: "every glossary entry needs a term",
			value: scalar(func(t *hansei.Term) *string { return &t.Term }, text(), "")},
		{key: "definition", doc: "What it means.", required: "every glossary term needs a definition",
			value: scalar(func(t *hansei.Term) *string { return &t.Definition }, text(), "")},
		{key: "translations", doc: "Language code → `{name, definition}`; `name` is the translated term.",
			value: translationsValue[hansei.Term]{at: func(t *hansei.Term) *map[string]hansei.Translation { return &t.Translations },
				fields: translationFields}},
	}
}

func translationFields() []field[hansei.Translation] {
	return []field[hansei.Translation]{
		{key: "name", doc: "The name (or term) in that language.",
			value: scalar(func(t *hansei.Translation) *string { return &t.Name }, text(), "")},
		{key: "definition", doc: "The definition in that language.",
			value: scalar(func(t *hansei.Translation) *string { return &t.Definition }, text(), "")},
	}
}

// levelTranslationFields are a level's fields in another language: a
// term's name and definition, and every other field a level shows.
func levelTranslationFields() []field[hansei.Translation] {
	return append(translationFields(), []field[hansei.Translation]{
		{key: "criteria", doc: "A level's criteria in that language.",
			value: listValue[hansei.Translation, string]{at: func(t *hansei.Translation) *[]string { return &t.Criteria }, kind: text(), plural: "criteria"}},
		{key: "response", doc: "A level's expected response in that language.",
			value: scalar(func(t *hansei.Translation) *string { return &t.Response }, text(), "")},
		{key: "pages", doc: "Who a level pages, in that language.",
			value: scalar(func(t *hansei.Translation) *string { return &t.Pages }, text(), "")},
		{key: "examples", doc: "A level's examples in that language.",
			value: listValue[hansei.Translation, string]{at: func(t *hansei.Translation) *[]string { return &t.Examples }, kind: text(), plural: "examples"}},
	}...)
}

// scaleValue is a scale: a list of levels that replaces the built-in scale
// of its kind.
type scaleValue struct {
	noEnv[Config]
	kind string
	at   func(*Config) *hansei.Scale
	def  func() hansei.Scale
}

func (v scaleValue) decode(d *decoder, n *yaml.Node, path string, c *Config) {
	levels, ok := decodeRecords(d, n, path, "level", levelFields())
	if !ok || d.broken {
		return
	}
	s := hansei.Scale{Kind: v.kind, Levels: levels}
	problems := s.Validate()
	paths := make([]string, 0, len(problems))
	for p := range problems {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		d.problem(path+strings.TrimPrefix(p, "levels"), "%s", problems[p])
	}
	*v.at(c) = s
}

func (v scaleValue) reset(c *Config)      { *v.at(c) = v.def() }
func (v scaleValue) unset(c *Config) bool { return len(v.at(c).Levels) == 0 }

func (v scaleValue) applyEnv(*decoder, func(string) string, *Config, string) {}

func (v scaleValue) describe(path string, seen map[string]bool) (string, []Setting) {
	return "", describeRecords(path, "level", levelFields(), seen)
}

// checkGlossary: a term is defined once, ignoring case.
func checkGlossary(d *decoder, terms []hansei.Term, path string) {
	seen := map[string]int{}
	for i, t := range terms {
		at := fmt.Sprintf("%s[%d]", path, i)
		if t.Term == "" || d.isExplained(at) {
			continue
		}
		if j, ok := seen[strings.ToLower(t.Term)]; ok {
			d.problem(at+".term", "term %q is already defined by %s[%d]; keep one", t.Term, path, j)
			continue
		}
		seen[strings.ToLower(t.Term)] = i
	}
}

// translationsValue is a map from language code to {name, definition}.
type translationsValue[S any] struct {
	noEnv[S]
	at func(*S) *map[string]hansei.Translation
	// fields are what a translation may give: a level's every field, a
	// term's name and definition.
	fields func() []field[hansei.Translation]
}

func (v translationsValue[S]) decode(d *decoder, n *yaml.Node, path string, s *S) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping from language code (such as ja or de) to {name, definition}, found %s", describe(r))
		return
	}
	out := map[string]hansei.Translation{}
	*v.at(s) = out
	for _, p := range d.pairs(r, path, 0) {
		lang := p.key.Value
		at := path + "." + lang
		d.lines[at] = p.key.Line
		if msg := checkLanguage(lang); msg != "" {
			d.errorf(p.key, at, "%s", msg)
		}
		m := d.resolve(p.val)
		if m == nil || d.broken {
			return
		}
		if m.Kind != yaml.MappingNode {
			d.typeError(p.val, at, "expected {name, definition}, found %s", describe(m))
			continue
		}
		var t hansei.Translation
		decodeFields(d, m, at, v.fields(), &t)
		if t.Name == "" && t.Definition == "" && len(t.Criteria) == 0 && t.Response == "" && t.Pages == "" && len(t.Examples) == 0 {
			d.errorf(p.key, at, "the translation is empty; give a name, a definition or both")
		}
		out[lang] = t
	}
}

func (v translationsValue[S]) reset(s *S)      { *v.at(s) = nil }
func (v translationsValue[S]) unset(s *S) bool { return len(*v.at(s)) == 0 }

func (v translationsValue[S]) applyEnv(*decoder, func(string) string, *S, string) {}

func (v translationsValue[S]) describe(path string, seen map[string]bool) (string, []Setting) {
	if seen["translation"] {
		return "none", nil
	}
	seen["translation"] = true
	return "none", describeFields(v.fields(), path+".LANG", seen)
}

// checkLanguage accepts the short BCP 47 tags that hansei uses as they are
// conventionally written: a language (ja), optionally a script (zh-Hant) and
// a region (pt-BR, es-419). It recognises country codes often written for
// a language, none of which is a language code.
func checkLanguage(lang string) string {
	languageCode := regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)
	countryCodes := map[string]string{"jp": "ja", "cn": "zh", "dk": "da", "ua": "uk", "cz": "cs", "gr": "el"}
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
