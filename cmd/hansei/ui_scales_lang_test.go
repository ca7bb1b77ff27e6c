package main

import (
	"html"
	"net/http"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// TestScalesPageInReadersLanguage: the scales page shows every field of
// every built-in level (criteria, expected response, who is paged,
// examples) in Japanese and German, and none of them in English.
func TestScalesPageInReadersLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "alice", "responder")
		b := newBrowser(t, srv)
		b.signIn("alice")
		s := hansei.DefaultScales()
		for _, lang := range []string{"ja", "de"} {
			page := html.UnescapeString(b.get("/scales?lang="+lang, http.StatusOK))
			for _, sc := range []hansei.Scale{s.Severity, s.Priority} {
				for _, l := range sc.Levels {
					in := l.In(lang)
					english := append(append([]string{l.Definition, l.Response}, l.Criteria...), l.Examples...)
					own := []string{in.Definition, in.Response}
					if sc.Kind == "severity" {
						english = append(english, l.Pages)
						own = append(append(append(own, in.Pages), in.Criteria...), in.Examples...)
					}
					for _, e := range english {
						if strings.Contains(page, e) {
							t.Errorf("%s: the scales page shows %s in English: %q", lang, l.Key, e)
						}
					}
					for _, w := range own {
						if !strings.Contains(page, w) {
							t.Errorf("%s: the scales page lacks %s's %q", lang, l.Key, w)
						}
					}
				}
			}
		}
	})
}
