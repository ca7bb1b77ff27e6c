package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.Addr != "127.0.0.1:8080" || c.DB != "hansei.db" || c.Path != "" {
		t.Errorf("Default() = %q, %q, %q", c.Addr, c.DB, c.Path)
	}
	if !reflect.DeepEqual(c.Scales, hansei.DefaultScales()) {
		t.Error("Default().Scales differ from hansei.DefaultScales()")
	}
}

func TestParseValid(t *testing.T) {
	defaults := hansei.DefaultScales()
	for _, tc := range []struct {
		name  string
		yaml  string
		check func(t *testing.T, c Config)
	}{
		{"empty file", "", func(t *testing.T, c Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"only comments", "# nothing set\n\n", func(t *testing.T, c Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"empty document", "---\n", func(t *testing.T, c Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"addr and db", "addr: :9090\ndb: postgres://hansei@db.internal/hansei\n", func(t *testing.T, c Config) {
			if c.Addr != ":9090" || c.DB != "postgres://hansei@db.internal/hansei" {
				t.Errorf("addr, db = %q, %q", c.Addr, c.DB)
			}
			if !reflect.DeepEqual(c.Scales, defaults) {
				t.Error("scales changed although the file sets none")
			}
		}},
		{"sqlite prefix", "db: sqlite:/var/lib/hansei/h.db\n", func(t *testing.T, c Config) {
			if c.DB != "sqlite:/var/lib/hansei/h.db" {
				t.Errorf("db = %q", c.DB)
			}
		}},
		{"severity replaces the built-in scale", `
severity:
  - key: S1
    name: Down
    definition: Customers cannot use the product.
    criteria: [error rate above 10% for 5 minutes, login fails]
    response: page now
    pages: on-call
    out_of_hours: true
    examples: [checkout down]
    translations:
      ja: {name: 停止, definition: 顧客が製品を使えない状態。}
      pt-BR: {name: Fora do ar}
  - key: S2
    name: Slow
    definition: >
      Customers can use the product, but slowly.
`, func(t *testing.T, c Config) {
			want := hansei.Scale{Kind: "severity", Levels: []hansei.Level{
				{
					Key: "S1", Name: "Down", Definition: "Customers cannot use the product.",
					Criteria: []string{"error rate above 10% for 5 minutes", "login fails"},
					Response: "page now", Pages: "on-call", OutOfHours: true,
					Examples: []string{"checkout down"},
					Translations: map[string]hansei.Translation{
						"ja":    {Name: "停止", Definition: "顧客が製品を使えない状態。"},
						"pt-BR": {Name: "Fora do ar"},
					},
				},
				{Key: "S2", Name: "Slow", Definition: "Customers can use the product, but slowly."},
			}}
			if !reflect.DeepEqual(c.Scales.Severity, want) {
				t.Errorf("severity =\n%+v\nwant\n%+v", c.Scales.Severity, want)
			}
			if !reflect.DeepEqual(c.Scales.Priority, defaults.Priority) || !reflect.DeepEqual(c.Scales.Glossary, defaults.Glossary) {
				t.Error("priority or glossary changed although the file sets only severity")
			}
		}},
		{"priority and glossary", `
priority:
  - {key: NOW, name: Now, definition: Start now.}
  - {key: LATER, name: Later, definition: Backlog.}
glossary:
  - term: freeze
    definition: No deploys.
    translations:
      de: {name: Deploy-Stopp, definition: Keine Deploys.}
`, func(t *testing.T, c Config) {
			if got := c.Scales.Priority.Keys(); !reflect.DeepEqual(got, []string{"NOW", "LATER"}) || c.Scales.Priority.Kind != "priority" {
				t.Errorf("priority = %v (kind %q)", got, c.Scales.Priority.Kind)
			}
			want := []hansei.Term{{Term: "freeze", Definition: "No deploys.", Translations: map[string]hansei.Translation{"de": {Name: "Deploy-Stopp", Definition: "Keine Deploys."}}}}
			if !reflect.DeepEqual(c.Scales.Glossary, want) {
				t.Errorf("glossary = %+v", c.Scales.Glossary)
			}
			if !reflect.DeepEqual(c.Scales.Severity, defaults.Severity) {
				t.Error("severity changed although the file does not set it")
			}
		}},
		{"empty glossary removes the built-in one", "glossary: []\n", func(t *testing.T, c Config) {
			if len(c.Scales.Glossary) != 0 {
				t.Errorf("glossary = %+v, want none", c.Scales.Glossary)
			}
		}},
		{"roles add to the built-in ones", "roles:\n  - name: liaison\n    description: Talks to the vendor.\n    translations:\n      ja: {name: 連絡係}\n", func(t *testing.T, c Config) {
			if got := c.Scales.RoleNames(); !reflect.DeepEqual(got, []string{"commander", "communications", "scribe", "liaison"}) {
				t.Errorf("roles = %v", got)
			}
			if name, _ := c.Scales.Roles[3].Localized("ja"); name != "連絡係" {
				t.Errorf("liaison in ja = %q", name)
			}
		}},
		{"anchors and merge keys", `
severity:
  - &base
    key: A
    name: Alpha
    definition: The first.
    criteria: &crit [one, two]
  - <<: *base
    key: B
    criteria: *crit
`, func(t *testing.T, c Config) {
			l := c.Scales.Severity.Levels
			if len(l) != 2 || l[1].Key != "B" || l[1].Name != "Alpha" || l[1].Definition != "The first." || !reflect.DeepEqual(l[1].Criteria, []string{"one", "two"}) {
				t.Errorf("levels = %+v", l)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("hansei.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func TestParseInvalid(t *testing.T) {
	const level = "    name: Name\n    definition: A definition.\n"
	for _, tc := range []struct {
		name string
		yaml string
		// want is the first line of the error, exactly.
		want string
		// count is the number of problems, if not 1.
		count int
	}{
		{"unknown top-level field",
			"addr: :8080\n\nseverty: []\n",
			`hansei.yaml:3: field "severty" is not known; known fields: addr, db, url, log_level, severity, priority, glossary, roles, intent_window, lint, notify, reviews, status, database, postmortems, signin, trusted_proxies, http, languages (did you mean "severity"?)`, 1},
		{"unknown field without a suggestion",
			"integrations: {}\n",
			`hansei.yaml:1: field "integrations" is not known; known fields: addr, db, url, log_level, severity, priority, glossary, roles, intent_window, lint, notify, reviews, status, database, postmortems, signin, trusted_proxies, http, languages`, 1},
		{"missing definition",
			"severity:\n  - key: SEV1\n" + level + "  - key: SEV2\n    name: Major\n",
			"hansei.yaml:5: severity[1].definition: every level needs a definition: a level without one means different things to different people", 1},
		{"blank definition",
			"severity:\n  - key: SEV1\n    name: Critical\n    definition: \"  \"\n",
			"hansei.yaml:4: severity[0].definition: every level needs a definition: a level without one means different things to different people", 1},
		{"misspelt level field",
			"priority:\n  - key: P0\n    name: Now\n    defintion: Start now.\n",
			`hansei.yaml:4: priority[0]: field "defintion" is not known; known fields: key, name, definition, criteria, response, pages, paging, out_of_hours, examples, due_within_days, translations (did you mean "definition"?)`, 1},
		{"duplicate key",
			"severity:\n  - key: SEV1\n" + level + "  - key: SEV1\n" + level,
			`hansei.yaml:5: severity[1].key: key "SEV1" is used by an earlier level; keys must be unique`, 1},
		{"bad key",
			"priority:\n  - key: P 0\n" + level,
			`hansei.yaml:2: priority[0].key: key "P 0" must be 1 to 20 letters, digits, '-' or '_'`, 1},
		{"missing key and name",
			"severity:\n  - definition: Down.\n",
			"hansei.yaml:2: severity[0].key: every level needs a key, such as SEV1", 2},
		{"empty scale",
			"addr: :8080\nseverity: []\n",
			"hansei.yaml:2: severity: a scale needs at least one level", 1},
		{"null scale",
			"priority:\n",
			"hansei.yaml:1: priority: a scale needs at least one level", 1},
		{"scale of the wrong type",
			"severity: SEV1\n",
			`hansei.yaml:1: severity: expected a list of levels, found text "SEV1"`, 1},
		{"level of the wrong type",
			"severity:\n  - key: SEV1\n" + level + "  - SEV2\n  - key: SEV3\n    name: Minor\n",
			`hansei.yaml:5: severity[1]: expected a level (a mapping of fields), found text "SEV2"`, 2},
		{"criteria of the wrong type",
			"severity:\n  - key: SEV1\n" + level + "    criteria: error rate above 5%\n",
			`hansei.yaml:5: severity[0].criteria: expected a list of criteria, found text "error rate above 5%"`, 1},
		{"empty criterion",
			"severity:\n  - key: SEV1\n" + level + "    criteria:\n      - error rate above 5%\n      -\n",
			"hansei.yaml:7: severity[0].criteria[1]: an item of criteria must not be empty", 1},
		{"definition of the wrong type",
			"severity:\n  - key: SEV1\n    name: Critical\n    definition:\n      - down\n",
			"hansei.yaml:5: severity[0].definition: expected text, found a list", 1},
		{"out_of_hours not a boolean",
			"severity:\n  - key: SEV1\n" + level + "    out_of_hours: yes\n",
			`hansei.yaml:5: severity[0].out_of_hours: expected true or false, found text "yes"`, 1},
		{"bad language code",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      ja: {name: 致命的}\n      Japanese: {name: 致命的}\n",
			`hansei.yaml:7: severity[0].translations.Japanese: "Japanese" is not a language code; use a BCP 47 code such as ja, de or pt-BR`, 1},
		{"country code for a language",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      JP: {name: 致命的}\n",
			`hansei.yaml:6: severity[0].translations.JP: "JP" is a country code, not a language code; use a BCP 47 code such as ja, de or pt-BR (did you mean "ja"?)`, 1},
		{"country code with region",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      cn-TW: {name: 嚴重}\n",
			`hansei.yaml:6: severity[0].translations.cn-TW: "cn-TW" is a country code, not a language code; use a BCP 47 code such as ja, de or pt-BR (did you mean "zh-TW"?)`, 1},
		{"language code in the wrong case",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      pt_br: {name: Crítico}\n",
			`hansei.yaml:6: severity[0].translations.pt_br: "pt_br" is not a language code; use a BCP 47 code such as ja, de or pt-BR (did you mean "pt-BR"?)`, 1},
		{"empty translation",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      de: {}\n",
			"hansei.yaml:6: severity[0].translations.de: the translation is empty; give a name, a definition or both", 1},
		{"translation of the wrong type",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      de: Kritisch\n",
			`hansei.yaml:6: severity[0].translations.de: expected {name, definition}, found text "Kritisch"`, 1},
		{"unknown translation field",
			"severity:\n  - key: SEV1\n" + level + "    translations:\n      de:\n        name: Kritisch\n        beschreibung: Alles kaputt.\n",
			`hansei.yaml:8: severity[0].translations.de: field "beschreibung" is not known; known fields: name, definition, criteria, response, pages, examples`, 1},
		{"translations of the wrong type",
			"severity:\n  - key: SEV1\n" + level + "    translations: [ja, de]\n",
			"hansei.yaml:5: severity[0].translations: expected a mapping from language code (such as ja or de) to {name, definition}, found a list", 1},
		{"role without description", "roles:\n  - name: liaison\n",
			`hansei.yaml:2: roles[0].description: every role needs a description: a role without one means different things to different people`, 1},
		{"a built-in role again", "roles:\n  - name: scribe\n    description: Writes.\n",
			`hansei.yaml:2: roles[0].name: role "scribe" is already defined (commander, communications and scribe are built in); keep one`, 1},
		{"a role in capitals", "roles:\n  - name: Liaison\n    description: Talks.\n",
			`hansei.yaml:2: roles[0].name: role "Liaison" is not valid: use a name of up to 40 lower-case letters, digits, '-' or '_', starting with a letter`, 1},
		{"glossary term without definition",
			"glossary:\n  - term: freeze\n    definition: No deploys.\n  - term: thaw\n",
			"hansei.yaml:4: glossary[1].definition: every glossary term needs a definition", 1},
		{"glossary entry without term",
			"glossary:\n  - definition: No deploys.\n",
			"hansei.yaml:2: glossary[0].term: every glossary entry needs a term", 1},
		{"glossary term twice",
			"glossary:\n  - {term: Freeze, definition: No deploys.}\n  - {term: freeze, definition: Still no deploys.}\n",
			`hansei.yaml:3: glossary[1].term: term "freeze" is already defined by glossary[0]; keep one`, 1},
		{"glossary of the wrong type",
			"glossary: {freeze: No deploys.}\n",
			"hansei.yaml:1: glossary: expected a list of terms, found a mapping", 1},
		{"field given twice",
			"addr: :8080\ndb: a.db\naddr: :9090\n",
			`hansei.yaml:3: field "addr" is given twice (first on line 1); keep one`, 1},
		{"addr of the wrong type",
			"addr: [1, 2]\n",
			"hansei.yaml:1: addr: expected text, found a list", 1},
		{"addr without port",
			"addr: localhost\n",
			`hansei.yaml:1: addr: "localhost" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080`, 1},
		{"addr with a bad port",
			"addr: localhost:99999\n",
			`hansei.yaml:1: addr: "localhost:99999" has port "99999"; a port is a number from 0 to 65535`, 1},
		{"empty db",
			"\ndb: \"\"\n",
			"hansei.yaml:2: db: the database is empty; give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name", 1},
		{"unsupported db hides the password",
			"db: mysql://root:secret@db/hansei\n",
			`hansei.yaml:1: db: database "mysql://…@db/hansei" is not supported; give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name`, 1},
		{"root not a mapping",
			"- addr\n",
			"hansei.yaml:1: the file must be a mapping of settings (addr, db, url, log_level, severity, priority, glossary, roles, intent_window, lint, notify, reviews, status, database, postmortems, signin, trusted_proxies, http, languages), not a list", 1},
		{"syntax error",
			"addr: :8080\nseverity: [\n",
			"hansei.yaml:2: YAML syntax: did not find expected node content", 1},
		{"two documents",
			"addr: :8080\n---\naddr: :9090\n",
			"hansei.yaml:2: the file holds more than one YAML document (---); put every setting in one", 1},
		{"problems ordered by line",
			"severity:\n  - key: SEV1\n    name: Critical\nbogus: 1\npriority: []\n",
			"hansei.yaml:2: severity[0].definition: every level needs a definition: a level without one means different things to different people", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("hansei.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			first, _, _ := strings.Cut(err.Error(), "\n")
			if first != tc.want {
				t.Errorf("first line of the error:\n got %s\nwant %s\nwhole error:\n%v", first, tc.want, err)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not Errors", err)
			}
			if len(errs) != tc.count {
				t.Errorf("%d problems, want %d:\n%v", len(errs), tc.count, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Error() != tc.want {
				t.Errorf("errors.As(*Error) = %v, want the first problem", e)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "h.yaml", Line: 3, Field: "severity[0].key", Message: "m"}, "h.yaml:3: severity[0].key: m"},
		{Error{File: "h.yaml", Line: 3, Message: "m"}, "h.yaml:3: m"},
		{Error{File: "h.yaml", Message: "m"}, "h.yaml: m"},
		{Error{Line: 3, Field: "addr", Message: "m"}, "line 3: addr: m"},
		{Error{Field: "HANSEI_ADDR", Message: "m"}, "HANSEI_ADDR: m"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	many := make(Errors, 12)
	for i := range many {
		many[i] = &Error{File: "h.yaml", Line: i + 1, Message: "m"}
	}
	lines := strings.Split(many.Error(), "\n")
	if len(lines) != 11 || lines[10] != "… and 2 more problems" {
		t.Errorf("Errors.Error() = %q", lines)
	}
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	if err := os.WriteFile(path, []byte("addr: :9000\ndb: file.db\nglossary: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("addr: :9000\nseverity:\n  - key: SEV1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		path       string
		env        map[string]string
		addr, db   string
		wantPath   string
		wantErr    string
		noGlossary bool
	}{
		{name: "no file, no env", addr: "127.0.0.1:8080", db: "hansei.db"},
		{name: "nil env", path: path, env: nil, addr: ":9000", db: "file.db", wantPath: path, noGlossary: true},
		{name: "env over defaults", env: map[string]string{"HANSEI_ADDR": ":7000", "HANSEI_DB": "postgres://h@db/h"},
			addr: ":7000", db: "postgres://h@db/h"},
		{name: "file", path: path, env: map[string]string{}, addr: ":9000", db: "file.db", wantPath: path, noGlossary: true},
		{name: "env over file", path: path, env: map[string]string{"HANSEI_ADDR": "0.0.0.0:80"},
			addr: "0.0.0.0:80", db: "file.db", wantPath: path, noGlossary: true},
		{name: "empty env leaves the file", path: path, env: map[string]string{"HANSEI_ADDR": "", "HANSEI_DB": ""},
			addr: ":9000", db: "file.db", wantPath: path, noGlossary: true},
		{name: "bad env addr", env: map[string]string{"HANSEI_ADDR": "8080"},
			wantErr: `HANSEI_ADDR: "8080" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080`},
		{name: "bad env db over a good file", path: path, env: map[string]string{"HANSEI_DB": "sqlite:"},
			wantErr: "HANSEI_DB: the SQLite path after sqlite: is empty; give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name"},
		{name: "bad file", path: bad, env: map[string]string{"HANSEI_ADDR": ":1"},
			wantErr: bad + ":3: severity[0].definition: every level needs a definition: a level without one means different things to different people"},
		{name: "missing file", path: filepath.Join(dir, "missing.yaml"),
			wantErr: "read config file: open " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var getenv func(string) string
			if tc.env != nil {
				getenv = env(tc.env)
			}
			c, err := Load(tc.path, getenv)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Load succeeded, want %q", tc.wantErr)
				}
				if first, _, _ := strings.Cut(err.Error(), "\n"); first != tc.wantErr {
					t.Errorf("error:\n got %s\nwant %s", first, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Addr != tc.addr || c.DB != tc.db || c.Path != tc.wantPath {
				t.Errorf("addr, db, path = %q, %q, %q; want %q, %q, %q", c.Addr, c.DB, c.Path, tc.addr, tc.db, tc.wantPath)
			}
			if got := len(c.Scales.Glossary) == 0; got != tc.noGlossary {
				t.Errorf("glossary = %d terms", len(c.Scales.Glossary))
			}
			if !reflect.DeepEqual(c.Scales.Severity, hansei.DefaultScales().Severity) {
				t.Error("severity is not the built-in scale")
			}
		})
	}
}

func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../docs/config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("config.example.yaml", data)
	if err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	if got := c.Scales.Severity.Keys(); !reflect.DeepEqual(got, []string{"SEV1", "SEV2", "SEV3"}) {
		t.Errorf("severity keys = %v, want the example's three levels", got)
	}
	for _, l := range c.Scales.Severity.Levels {
		if len(l.Criteria) == 0 || l.Response == "" || l.Pages == "" || len(l.Examples) == 0 {
			t.Errorf("%s: the example should show every field", l.Key)
		}
		for _, lang := range []string{"ja", "de"} {
			if tr := l.Translations[lang]; tr.Name == "" || tr.Definition == "" {
				t.Errorf("%s: the example lacks the %s translation", l.Key, lang)
			}
		}
		if strings.HasSuffix(l.Definition, "\n") || strings.Contains(l.Definition, "\n") {
			t.Errorf("%s: definition %q keeps a line break", l.Key, l.Definition)
		}
	}
	if !reflect.DeepEqual(c.Scales.Priority, hansei.DefaultScales().Priority) {
		t.Error("the example should keep the built-in priority scale")
	}
	terms := map[string]bool{}
	for _, term := range c.Scales.Glossary {
		terms[term.Term] = true
	}
	if !terms["freeze"] || !terms["incident commander"] {
		t.Errorf("glossary = %v", terms)
	}
}
