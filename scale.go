package hansei

import (
	"fmt"
	"strings"
)

// Level is one step of a scale. Every level carries a concrete definition so
// that responders from different organisations and languages mean the same
// thing by it.
type Level struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Definition string   `json:"definition"`
	Criteria   []string `json:"criteria"`
	// Response is what is expected of responders at this level.
	Response string `json:"response"`
	// Pages says who is paged, in words; Paging is whom the fan-out pages
	// when an incident is declared at this level or moved to it.
	Pages  string `json:"pages"`
	Paging Paging `json:"paging,omitzero"`
	// OutOfHours says whether work continues outside working hours.
	OutOfHours bool     `json:"out_of_hours"`
	Examples   []string `json:"examples"`
	// DueWithinDays is, for a priority, the expected window: a remediation
	// at this level is due within this many calendar days of its creation
	// (0: no window, as for backlog work). A later due date is allowed
	// with a warning.
	DueWithinDays int                    `json:"due_within_days,omitempty"`
	Translations  map[string]Translation `json:"translations,omitempty"`
}

// Translation is a level's (or a glossary term's) words in one language:
// its name and definition, and a level's criteria, expected response, who
// is paged and examples. A field left empty is shown untranslated.
type Translation struct {
	Name       string   `json:"name"`
	Definition string   `json:"definition"`
	Criteria   []string `json:"criteria,omitempty"`
	Response   string   `json:"response,omitempty"`
	Pages      string   `json:"pages,omitempty"`
	Examples   []string `json:"examples,omitempty"`
}

// Localized returns the level's name and definition in lang, falling back to
// the untranslated text when the language or the field is missing.
func (l Level) Localized(lang string) (name, definition string) {
	name, definition = l.Name, l.Definition
	if t, ok := l.Translations[lang]; ok {
		if t.Name != "" {
			name = t.Name
		}
		if t.Definition != "" {
			definition = t.Definition
		}
	}
	return name, definition
}

// In is the level with every field in lang where a translation gives it,
// and as configured where not.
func (l Level) In(lang string) Level {
	out := l
	out.Name, out.Definition = l.Localized(lang)
	t, ok := l.Translations[lang]
	if !ok {
		return out
	}
	if len(t.Criteria) > 0 {
		out.Criteria = t.Criteria
	}
	if t.Response != "" {
		out.Response = t.Response
	}
	if t.Pages != "" {
		out.Pages = t.Pages
	}
	if len(t.Examples) > 0 {
		out.Examples = t.Examples
	}
	return out
}

// Scale is an ordered list of levels, most severe or most pressing first.
type Scale struct {
	// Kind is "severity" or "priority"; it names the field in errors.
	Kind   string  `json:"kind"`
	Levels []Level `json:"levels"`
}

// Level returns the level with the given key, matched without regard to
// case (people type "sev1" for SEV1; Validate keeps keys unique that way),
// so callers store the returned level's Key, the canonical spelling. An
// unknown key gets an EINVALID error naming the field and listing every
// valid level with its one-line meaning, so the caller learns the words
// instead of guessing.
func (s Scale) Level(key string) (Level, error) {
	for _, l := range s.Levels {
		if l.Key == key {
			return l, nil
		}
	}
	for _, l := range s.Levels {
		if key != "" && strings.EqualFold(l.Key, key) {
			return l, nil
		}
	}
	var b strings.Builder
	if key == "" {
		fmt.Fprintf(&b, "%s is required; choose one of:", s.Kind)
	} else {
		fmt.Fprintf(&b, "unknown %s %q; choose one of:", s.Kind, key)
	}
	for i, l := range s.Levels {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s (%s): %s", l.Key, l.Name, l.Definition)
	}
	err := FieldError(s.Kind, "%s", b.String())
	if key == "" {
		return Level{}, err.Says("error.level_required", "Kind", field(s.Kind), "Levels", levelList(s.Levels))
	}
	return Level{}, err.Says("error.level_unknown", "Kind", field(s.Kind), "Key", key, "Levels", levelList(s.Levels))
}

// levelList is a scale's levels as an error lists them, each with its
// name and definition in the reader's language (a printer asks
// InLanguage).
type levelList []Level

// InLanguage is the list in lang, from the levels' translations.
func (ls levelList) InLanguage(lang string) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		name, def := l.Localized(lang)
		parts[i] = fmt.Sprintf("%s (%s): %s", l.Key, name, def)
	}
	return strings.Join(parts, "; ")
}

// Rank returns the position of key in the scale (0 is the most severe), or -1.
func (s Scale) Rank(key string) int {
	for i, l := range s.Levels {
		if l.Key == key {
			return i
		}
	}
	return -1
}

// Keys returns the level keys in order.
func (s Scale) Keys() []string {
	keys := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		keys[i] = l.Key
	}
	return keys
}

// Term is a glossary entry: a word the organisation uses with a precise meaning.
type Term struct {
	Term         string                 `json:"term"`
	Definition   string                 `json:"definition"`
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Scales holds the configured vocabulary: the severity and priority scales,
// the glossary and the incident roles.
type Scales struct {
	Severity Scale  `json:"severity"`
	Priority Scale  `json:"priority"`
	Glossary []Term `json:"glossary"`
	// Roles are the roles an incident may have: the built-ins first, then
	// those the config adds.
	Roles []RoleDef `json:"roles"`
}

// Validate checks a scale for what would make it ambiguous: no levels, a
// level without a key, name or definition, or a key used twice. It returns
// messages keyed by the path of the field at fault (e.g. "levels[2].definition").
func (s Scale) Validate() map[string]string {
	problems := map[string]string{}
	if len(s.Levels) == 0 {
		problems["levels"] = "a scale needs at least one level"
	}
	seen := map[string]string{} // upper case → the key as written first
	for i, l := range s.Levels {
		at := fmt.Sprintf("levels[%d]", i)
		switch {
		case strings.TrimSpace(l.Key) == "":
			problems[at+".key"] = "every level needs a key, such as SEV1"
		case !validLevelKey(l.Key):
			problems[at+".key"] = fmt.Sprintf("key %q must be 1 to 20 letters, digits, '-' or '_'", l.Key)
		case seen[strings.ToUpper(l.Key)] == l.Key:
			problems[at+".key"] = fmt.Sprintf("key %q is used by an earlier level; keys must be unique", l.Key)
		case seen[strings.ToUpper(l.Key)] != "":
			// Keys match without regard to case, so SEV1 and sev1 would be one.
			problems[at+".key"] = fmt.Sprintf("key %q is %q of an earlier level in another case; keys must be unique whatever their case", l.Key, seen[strings.ToUpper(l.Key)])
		}
		if _, ok := seen[strings.ToUpper(l.Key)]; !ok {
			seen[strings.ToUpper(l.Key)] = l.Key
		}
		if strings.TrimSpace(l.Name) == "" {
			problems[at+".name"] = "every level needs a name"
		}
		if strings.TrimSpace(l.Definition) == "" {
			problems[at+".definition"] = "every level needs a definition: a level without one means different things to different people"
		}
	}
	return problems
}

func validLevelKey(k string) bool {
	if len(k) == 0 || len(k) > 20 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
