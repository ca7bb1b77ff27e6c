package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestDomainErrorsInReadersLanguage: the domain's validation errors come
// back on the page in the reader's language, the scale's levels named in
// it too, and none of the English message is left.
func TestDomainErrorsInReadersLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		flash := regexp.MustCompile(`(?s)class="flash error"[^>]*>(.*?)</`)
		for _, c := range []struct {
			user, lang, required, level, tooLong string
		}{
			{"kenji", "ja", "重大度は必須です。次から選んでください：", "SEV1 (", "件名は 201 文字あります"},
			{"dora", "de", "Schweregrad ist erforderlich; wählen Sie eines von:", "SEV1 (Kritisch)", "Titel ist 201 Zeichen lang"},
		} {
			srv.mustCLI(t, "", "users", "add", c.user, "--role", "responder", "--language", c.lang, "--db", srv.DSN)
			b := newBrowser(t, srv)
			b.signIn(c.user)
			read := func(page string) string {
				m := flash.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("%s: no error on the page:\n%s", c.lang, page)
				}
				return html.UnescapeString(m[1])
			}
			msg := read(b.post("/incidents", url.Values{"title": {"Checkout failing"}}, http.StatusBadRequest))
			for _, want := range []string{c.required, c.level} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s: the declare form says %q, want %q in it", c.lang, msg, want)
				}
			}
			for _, english := range []string{"is required", "choose one of", "Critical", "Minor"} {
				if strings.Contains(msg, english) {
					t.Errorf("%s: the declare form's error is in English (%q): %q", c.lang, english, msg)
				}
			}
			msg = read(b.post("/incidents", url.Values{"title": {strings.Repeat("x", 201)}, "severity": {"SEV2"}}, http.StatusBadRequest))
			if !strings.Contains(msg, c.tooLong) || strings.Contains(msg, "the limit is") {
				t.Errorf("%s: a long title's error reads %q, want %q", c.lang, msg, c.tooLong)
			}
		}
	})
}
