package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/internal/cli"
	"go.yaml.in/yaml/v3"
)

// cliIn runs the command line as the user with token, with more of the
// environment (HANSEI_LANG) than server.cli sets.
func (s *server) cliIn(t testing.TB, token string, extra map[string]string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	vars := map[string]string{"HANSEI_URL": s.URL, "HANSEI_TOKEN": token, "TZ": "UTC"}
	maps.Copy(vars, extra)
	err := run(context.Background(), args, envFunc(vars), strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("hansei %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String()}
}

// TestCLISpeaksTheUsersLanguage: the command line writes its words in
// --lang, else HANSEI_LANG, else the language of the token's user, and its
// JSON the same in every language.
func TestCLISpeaksTheUsersLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		out := srv.mustCLI(t, "", "users", "add", "kenji", "--role", "responder", "--language", "ja", "--db", srv.DSN)
		kenji := strings.TrimSpace(out)
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "--service", "checkout", "--summary", "Card payments time out", "Checkout failing")
		srv.mustCLI(t, kenji, "incident", "join", "1")
		srv.mustCLI(t, kenji, "intent", "1", "--stand-down", "travel to a medical appointment")

		japanese := []string{"状態: 調査中", "主要な時刻:", "タイムライン(全", "役割: コマンダー=admin", "kenji (対応中)", "の意図表明", "沈黙は同意ではありません", "を SEV2 で宣言"}
		german := []string{"Zustand:   in Untersuchung", "Wichtige Zeitpunkte:", "Verlauf (letzte", "Absicht 1 in INC-1", "Schweigen ist keine Zustimmung"}
		for _, tc := range []struct {
			name  string
			token string
			env   map[string]string
			args  []string
			want  []string
		}{
			{"ja user, from /me", kenji, nil, nil, japanese},
			{"--lang de over the ja user", kenji, map[string]string{"HANSEI_LANG": "ja"}, []string{"--lang", "de"}, german},
			{"HANSEI_LANG=ja for an English user", admin, map[string]string{"HANSEI_LANG": "ja"}, nil, japanese},
			{"--lang de-AT finds de", admin, nil, []string{"--lang", "de-AT"}, german},
			{"English by default", admin, nil, nil, []string{"Status:    investigating", "Key times:", "Timeline (last", "waiting for:"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := srv.cliIn(t, tc.token, tc.env, append(tc.args, "incident", "show", "1")...)
				for _, want := range tc.want {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("incident show lacks %q:\n%s", want, r.stdout)
					}
				}
			})
		}
		if de := germanStatus(t); !strings.Contains(strings.Join(german, " "), de) {
			t.Fatalf("the German catalog calls investigating %q", de)
		}

		// Output for scripts does not change with the language.
		for _, args := range [][]string{{"incident", "show", "1", "--json"}, {"incident", "list", "--json"}} {
			en := srv.cliIn(t, kenji, nil, append([]string{"--lang", "en"}, args...)...).stdout
			for _, lang := range []string{"ja", "de"} {
				if got := srv.cliIn(t, kenji, nil, append([]string{"--lang", lang}, args...)...).stdout; got != en {
					t.Errorf("hansei %s in %s differs from English:\n%s\nvs\n%s", strings.Join(args, " "), lang, got, en)
				}
			}
		}
		r := srv.cliIn(t, "", map[string]string{"HANSEI_LANG": "ja"}, "users", "token", "kenji", "--db", srv.DSN)
		if tok := strings.TrimSpace(r.stdout); !strings.HasPrefix(tok, "hsi_") || strings.Contains(tok, "\n") {
			t.Errorf("users token in ja printed %q; want only a token", r.stdout)
		}

		// No English sentence of the CLI's own messages in ja or de.
		whole, fragments := cliEnglish(t)
		for _, lang := range []string{"ja", "de"} {
			for _, args := range [][]string{{"incident", "show", "1"}, {"incident", "list"}, {"incident", "list", "--status", "closed"},
				{"incident", "note", "1", "db pool exhausted"}, {"incident", "timeline", "1"}} {
				out := srv.cliIn(t, kenji, nil, append([]string{"--lang", lang}, args...)...).stdout
				for _, line := range strings.Split(out, "\n") {
					if id, ok := whole[strings.TrimSpace(line)]; ok && line != "" {
						t.Errorf("%s: hansei %s prints %s in English: %q", lang, strings.Join(args, " "), id, line)
					}
				}
				for f, id := range fragments {
					if strings.Contains(out, f) {
						t.Errorf("%s: hansei %s prints %s in English (%q):\n%s", lang, strings.Join(args, " "), id, f, out)
					}
				}
			}
		}
	})
}

// germanStatus is what the German catalog calls an investigating incident,
// so that the test above says what it expects in one place.
func germanStatus(t *testing.T) string {
	b, err := os.ReadFile("../../internal/i18n/catalogs/de.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m["word.incident_status.investigating"].(string)
	return s
}

// cliEnglish reads the English catalog's cli.* and timeline.* messages: the whole
// constant ones, and the runs of two words or more between placeholders.
func cliEnglish(t *testing.T) (whole, fragments map[string]string) {
	whole, fragments = map[string]string{}, map[string]string{}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	twoWords := regexp.MustCompile(`[A-Za-z]{2,}\s+[A-Za-z]{2,}`) // not punctuation between placeholders
	add := func(id, text string) {
		if !strings.Contains(text, "{{") {
			whole[text] = id
		}
		for _, f := range placeholder.Split(text, -1) {
			// Commands and flags quoted in a message are the same in
			// every language: hansei incident list --cursor.
			if f = strings.TrimSpace(f); twoWords.MatchString(f) && !strings.Contains(f, "hansei ") && !strings.Contains(f, "--") {
				fragments[f] = id
			}
		}
	}
	eachEnglishText(t, func(id string) bool {
		// The timeline's sentences too: incident show and timeline
		// print them.
		return strings.HasPrefix(id, "cli.") || strings.HasPrefix(id, "timeline.")
	}, add)
	if len(whole)+len(fragments) < 20 {
		t.Fatalf("read only %d English messages of the command line", len(whole)+len(fragments))
	}
	return whole, fragments
}

// TestCLIBadLang: a --lang no catalog speaks is refused in one line that
// names it and the languages there are, before any server is asked.
func TestCLIBadLang(t *testing.T) {
	r := runCLI(nil, "--lang", "xx", "incident", "show", "1")
	if r.err == nil {
		t.Fatalf("succeeded, printing %q", r.stdout)
	}
	line := errorLine(r.err)
	for _, want := range []string{"--lang xx", "en (English)", "ja (日本語)", "de (Deutsch)"} {
		if !strings.Contains(line, want) {
			t.Errorf("error %q lacks %q", line, want)
		}
	}
	if code := cli.ExitCode(r.err); code != 2 || strings.Contains(line, "\n") || r.stdout != "" {
		t.Errorf("exit %d, line %q, stdout %q", code, line, r.stdout)
	}
}
